package dev.floodgate.edge.queue;

import com.hazelcast.config.CompactSerializationConfig;

/**
 * Compact serialization of what the queue stores and sends through the grid. Whoever builds a member or client
 * config that the edge will use (the edge itself, or the local stack's shared member) calls {@link #register}.
 * Without it, values still work via zero-config compact and processors via Java serialization, only slower.
 */
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
