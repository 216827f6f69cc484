package dev.floodgate.grid.queue;

import com.hazelcast.config.CompactSerializationConfig;

/** Compact serialization of what the queue stores and sends through the grid; part of every grid config. */
public final class QueueSerializers {
    private QueueSerializers() {
    }

    public static void register(CompactSerializationConfig config) {
        config.addClass(QueueState.class);
        config.addClass(SpotKey.class);
        config.addClass(Spot.class);
        config.addClass(QueueProcessors.Create.class);
        config.addClass(QueueProcessors.TakePosition.class);
        config.addClass(QueueProcessors.Forfeit.class);
        config.addClass(QueueProcessors.Advance.class);
        config.addClass(QueueProcessors.Move.class);
        config.addClass(QueueProcessors.ChangeSettings.class);
        config.addClass(QueueProcessors.StampAdmission.class);
        config.addClass(QueueProcessors.Stamped.class);
        config.addClass(QueueProcessors.Read.class);
    }
}
