package dev.floodgate.grid.queue;

import com.hazelcast.config.CompactSerializationConfig;

/**
 * Compact serialization of what the queue stores and sends through the grid; part of every grid config. Spots are
 * plain {@code String -> Integer} entries (fan id to ticket) in one map per event and need nothing here.
 */
public final class QueueSerializers {
    private QueueSerializers() {
    }

    public static void register(CompactSerializationConfig config) {
        config.addClass(QueueState.class);
        config.addClass(QueueProcessors.Create.class);
        config.addClass(QueueProcessors.TakeTicket.class);
        config.addClass(QueueProcessors.TakeTicketBrief.class);
        config.addClass(QueueProcessors.Ticket.class);
        config.addClass(QueueProcessors.Forfeit.class);
        config.addClass(QueueProcessors.Advance.class);
        config.addClass(QueueProcessors.Move.class);
        config.addClass(QueueProcessors.ChangeSettings.class);
        config.addClass(QueueProcessors.Schedule.class);
        config.addClass(QueueProcessors.Finish.class);
        config.addClass(QueueProcessors.Took.class);
        config.addClass(QueueProcessors.Read.class);
        config.addClass(QueueProcessors.KeepEarlier.class);
    }
}
