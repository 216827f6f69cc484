package dev.floodgate.grid.inventory;

import com.hazelcast.config.CompactSerializationConfig;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.catalog.Seating;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.queue.QueueSerializers;
import dev.floodgate.grid.stripe.FanHolds;
import dev.floodgate.grid.stripe.HoldProcessors;
import dev.floodgate.grid.stripe.Lent;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.grid.stripe.StockKey;
import dev.floodgate.grid.stripe.Stripe;
import dev.floodgate.grid.stripe.StripeSerializers;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compact serialization for everything the grid stores or sends. Values written by hand (stable field names, no
 * reflection on the hot path); small messages (keys, processors, results) by Hazelcast's record support.
 */
public final class GridSerializers {
    private GridSerializers() {
    }

    public static void register(CompactSerializationConfig config) {
        config.addSerializer(new HoldSerializer());
        config.addSerializer(new StockKeySerializer());
        StripeSerializers.register(config);
        config.addSerializer(new CategorySerializer());
        config.addSerializer(new EventSerializer());
        config.setClasses(HoldResult.class,
                HoldProcessors.ReleaseHold.class, HoldProcessors.MarkInCheckout.class,
                HoldProcessors.MarkSold.class, HoldProcessors.ReleaseForOrder.class,
                HoldProcessors.InitStripe.class, HoldProcessors.ReadHold.class, HoldProcessors.ReadCounters.class,
                StockCounters.class, HoldProcessors.Take.class, HoldProcessors.Lend.class,
                HoldProcessors.ReadLoans.class, HoldProcessors.Receive.class, HoldProcessors.Settle.class,
                HoldProcessors.AddCapacity.class, HoldProcessors.RemoveCapacity.class, HoldProcessors.Sweep.class,
                HoldProcessors.Swept.class, HoldProcessors.ReadHolds.class, HoldProcessors.HoldList.class,
                HoldProcessors.ReadInFlight.class, HoldProcessors.RestoreStripe.class, Lent.class,
                FanHolds.class, FanHolds.Entry.class, FanHolds.Reservation.class,
                FanHolds.Reserve.class, FanHolds.Ensure.class, FanHolds.Forget.class, FanHolds.Extend.class,
                FanHolds.Find.class,
                HoldProcessors.TakeSeats.class, HoldProcessors.InitSeats.class, HoldProcessors.ReadSeats.class,
                HoldProcessors.SeatStates.class, HoldProcessors.EditSeats.class, HoldProcessors.RestoreSeats.class);
        // After setClasses, which replaces the class list: registered before it, the queue's classes were dropped
        // and went by Java serialization, which fails as soon as a second member receives a backup.
        QueueSerializers.register(config);
        config.addClass(dev.floodgate.grid.history.FigureSample.class);
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }

    static final class HoldSerializer implements CompactSerializer<Hold> {
        @Override
        public Hold read(CompactReader in) {
            return new Hold(in.readString("holdId"), in.readString("eventId"), in.readString("categoryId"),
                    in.readString("fanId"), in.readInt32("quantity"), HoldStatus.valueOf(in.readString("status")),
                    in.readString("orderId"), in.readInt64("expiresAtMillis"),
                    in.getFieldKind("seats") == FieldKind.ARRAY_OF_STRING ? list(in.readArrayOfString("seats"))
                            : List.of());
        }

        @Override
        public void write(CompactWriter out, Hold hold) {
            out.writeString("holdId", hold.holdId());
            out.writeString("eventId", hold.eventId());
            out.writeString("categoryId", hold.categoryId());
            out.writeString("fanId", hold.fanId());
            out.writeInt32("quantity", hold.quantity());
            out.writeString("status", hold.status().name());
            out.writeString("orderId", hold.orderId());
            out.writeInt64("expiresAtMillis", hold.expiresAtMillis());
            out.writeArrayOfString("seats", hold.seats().toArray(new String[0]));
        }

        @Override
        public String getTypeName() {
            return "floodgate.Hold";
        }

        @Override
        public Class<Hold> getCompactClass() {
            return Hold.class;
        }
    }

    /** Stripe keys are hashed and compared on every grid call: written by hand, no reflection. */
    static final class StockKeySerializer implements CompactSerializer<StockKey> {
        @Override
        public StockKey read(CompactReader in) {
            return new StockKey(in.readString("eventId"), in.readString("categoryId"), in.readInt32("stripe"));
        }

        @Override
        public void write(CompactWriter out, StockKey key) {
            out.writeString("eventId", key.eventId());
            out.writeString("categoryId", key.categoryId());
            out.writeInt32("stripe", key.stripe());
        }

        @Override
        public String getTypeName() {
            return "floodgate.StockKey";
        }

        @Override
        public Class<StockKey> getCompactClass() {
            return StockKey.class;
        }
    }


    static final class CategorySerializer implements CompactSerializer<CategoryInfo> {
        @Override
        public CategoryInfo read(CompactReader in) {
            return new CategoryInfo(in.readString("categoryId"), in.readString("name"), in.readInt32("capacity"),
                    in.readInt64("priceMinor"), in.readString("currency"),
                    in.getFieldKind("stripes") == FieldKind.INT32 ? in.readInt32("stripes") : 0,
                    in.getFieldKind("sectionIds") == FieldKind.ARRAY_OF_STRING ? readSeating(in) : null);
        }

        /**
         * Seating, flattened: per section its id and row count; per row its id and seat count; then every seat
         * number in order. Null arrays: general admission.
         */
        private static Seating readSeating(CompactReader in) {
            String[] sectionIds = in.readArrayOfString("sectionIds");
            if (sectionIds == null) {
                return null;
            }
            int[] rowCounts = in.readArrayOfInt32("sectionRowCounts");
            String[] rowIds = in.readArrayOfString("rowIds");
            int[] seatCounts = in.readArrayOfInt32("rowSeatCounts");
            int[] numbers = in.readArrayOfInt32("seatNumbers");
            List<Seating.Section> sections = new java.util.ArrayList<>();
            int row = 0;
            int seat = 0;
            for (int s = 0; s < sectionIds.length; s++) {
                List<Seating.Row> rows = new java.util.ArrayList<>();
                for (int r = 0; r < rowCounts[s]; r++, row++) {
                    List<Integer> seats = new java.util.ArrayList<>(seatCounts[row]);
                    for (int k = 0; k < seatCounts[row]; k++) {
                        seats.add(numbers[seat++]);
                    }
                    rows.add(new Seating.Row(rowIds[row], seats));
                }
                sections.add(new Seating.Section(sectionIds[s], rows));
            }
            return new Seating(sections);
        }

        private static void writeSeating(CompactWriter out, Seating seating) {
            if (seating == null) {
                out.writeArrayOfString("sectionIds", null);
                out.writeArrayOfInt32("sectionRowCounts", null);
                out.writeArrayOfString("rowIds", null);
                out.writeArrayOfInt32("rowSeatCounts", null);
                out.writeArrayOfInt32("seatNumbers", null);
                return;
            }
            List<Seating.Row> rows = seating.sections().stream().flatMap(s -> s.rows().stream()).toList();
            out.writeArrayOfString("sectionIds",
                    seating.sections().stream().map(Seating.Section::sectionId).toArray(String[]::new));
            out.writeArrayOfInt32("sectionRowCounts",
                    seating.sections().stream().mapToInt(s -> s.rows().size()).toArray());
            out.writeArrayOfString("rowIds", rows.stream().map(Seating.Row::rowId).toArray(String[]::new));
            out.writeArrayOfInt32("rowSeatCounts", rows.stream().mapToInt(r -> r.seats().size()).toArray());
            out.writeArrayOfInt32("seatNumbers",
                    rows.stream().flatMap(r -> r.seats().stream()).mapToInt(Integer::intValue).toArray());
        }

        @Override
        public void write(CompactWriter out, CategoryInfo c) {
            out.writeString("categoryId", c.categoryId());
            out.writeString("name", c.name());
            out.writeInt32("capacity", c.capacity());
            out.writeInt64("priceMinor", c.priceMinor());
            out.writeString("currency", c.currency());
            out.writeInt32("stripes", c.stripes());
            writeSeating(out, c.seating());
        }

        @Override
        public String getTypeName() {
            return "floodgate.Category";
        }

        @Override
        public Class<CategoryInfo> getCompactClass() {
            return CategoryInfo.class;
        }
    }

    static final class EventSerializer implements CompactSerializer<EventInfo> {
        @Override
        public EventInfo read(CompactReader in) {
            CategoryInfo[] categories = in.readArrayOfCompact("categories", CategoryInfo.class);
            return new EventInfo(in.readString("eventId"), in.readString("name"), in.readInt64("startsAtEpochMillis"),
                    in.readInt32("maxPerFan"), in.readInt64("holdTtlMillis"), Arrays.asList(categories));
        }

        @Override
        public void write(CompactWriter out, EventInfo e) {
            out.writeString("eventId", e.eventId());
            out.writeString("name", e.name());
            out.writeInt64("startsAtEpochMillis", e.startsAtEpochMillis());
            out.writeInt32("maxPerFan", e.maxPerFan());
            out.writeInt64("holdTtlMillis", e.holdTtlMillis());
            out.writeArrayOfCompact("categories", e.categories().toArray(new CategoryInfo[0]));
        }

        @Override
        public String getTypeName() {
            return "floodgate.Event";
        }

        @Override
        public Class<EventInfo> getCompactClass() {
            return EventInfo.class;
        }
    }
}
