package dev.floodgate.grid.stripe;

import com.hazelcast.config.CompactSerializationConfig;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compact serializers written by hand for what lives on a stripe's partition (the stripe itself, with its holds,
 * loans, seats and fans' records) and the hot processor messages; stable field and type names, no reflection.
 */
public final class StripeSerializers {
    private StripeSerializers() {
    }

    /** Adds this package's serializers (the grid's other classes are registered by inventory's GridSerializers). */
    public static void register(CompactSerializationConfig config) {
        config.addSerializer(new TakenSerializer());
        config.addSerializer(new TakeAtHomeSerializer());
        config.addSerializer(new StripeSerializer());
    }

    /** The answer to every hold: written by hand, and without the hold when the caller already has it. */
    static final class TakenSerializer implements CompactSerializer<HoldProcessors.Taken> {
        private static final HoldResult.Outcome[] OUTCOMES = HoldResult.Outcome.values();

        @Override
        public HoldProcessors.Taken read(CompactReader in) {
            HoldResult result = new HoldResult(OUTCOMES[in.readInt8("outcome")], in.readCompact("hold"),
                    in.readArrayOfString("seats"));
            return new HoldProcessors.Taken(result, in.readInt32("available"), in.readBoolean("asAsked"));
        }

        @Override
        public void write(CompactWriter out, HoldProcessors.Taken taken) {
            out.writeInt8("outcome", (byte) taken.result().outcome().ordinal());
            out.writeCompact("hold", taken.result().hold());
            out.writeArrayOfString("seats", taken.result().seats());
            out.writeInt32("available", taken.available());
            out.writeBoolean("asAsked", taken.asAsked());
        }

        @Override
        public String getTypeName() {
            return "floodgate.Taken";
        }

        @Override
        public Class<HoldProcessors.Taken> getCompactClass() {
            return HoldProcessors.Taken.class;
        }
    }

    /** The processor of every hold of the home category: crosses the network with 3 members, so written by hand. */
    static final class TakeAtHomeSerializer implements CompactSerializer<HoldProcessors.TakeAtHome> {
        @Override
        public HoldProcessors.TakeAtHome read(CompactReader in) {
            return new HoldProcessors.TakeAtHome(in.readString("requestId"), in.readString("holdId"),
                    in.readString("fanId"), in.readInt32("quantity"), in.readInt32("maxPerFan"),
                    in.readInt64("nowMillis"), in.readInt64("expiresAtMillis"));
        }

        @Override
        public void write(CompactWriter out, HoldProcessors.TakeAtHome take) {
            out.writeString("requestId", take.requestId());
            out.writeString("holdId", take.holdId());
            out.writeString("fanId", take.fanId());
            out.writeInt32("quantity", take.quantity());
            out.writeInt32("maxPerFan", take.maxPerFan());
            out.writeInt64("nowMillis", take.nowMillis());
            out.writeInt64("expiresAtMillis", take.expiresAtMillis());
        }

        @Override
        public String getTypeName() {
            return "floodgate.TakeAtHome";
        }

        @Override
        public Class<HoldProcessors.TakeAtHome> getCompactClass() {
            return HoldProcessors.TakeAtHome.class;
        }
    }

    static final class StripeSerializer implements CompactSerializer<Stripe> {
        @Override
        public Stripe read(CompactReader in) {
            StockKey key = new StockKey(in.readString("eventId"), in.readString("categoryId"), in.readInt32("stripe"));
            Hold[] holds = in.readArrayOfCompact("holds", Hold.class);
            int[] outReceivers = in.readArrayOfInt32("outReceivers");
            long[] outSeqs = in.readArrayOfInt64("outSeqs");
            int[] outUnits = in.readArrayOfInt32("outUnits");
            List<Transfer> outbound = new java.util.ArrayList<>();
            for (int i = 0; i < outReceivers.length; i++) {
                outbound.add(new Transfer(outReceivers[i], outSeqs[i], outUnits[i]));
            }
            String[] opIds = in.readArrayOfString("recentOpIds");
            long[] opValues = in.readArrayOfInt64("recentOpValues");
            Map<String, Long> recent = new LinkedHashMap<>();
            for (int i = 0; i < opIds.length; i++) {
                recent.put(opIds[i], opValues[i]);
            }
            return new Stripe(key, in.readInt32("capacity"), in.readInt32("available"), in.readInt32("held"),
                    in.readInt32("sold"), holds == null ? List.of() : Arrays.asList(holds), outbound,
                    readSeqs(in, "lentTo"), readSeqs(in, "appliedFrom"), recent,
                    in.getFieldKind("seatIds") == FieldKind.ARRAY_OF_STRING ? in.readArrayOfString("seatIds") : null,
                    in.getFieldKind("seatStates") == FieldKind.ARRAY_OF_INT8 ? in.readArrayOfInt8("seatStates")
                            : null,
                    in.getFieldKind("fanIds") == FieldKind.ARRAY_OF_STRING ? readFans(in) : Map.of());
        }

        /** Fans' records, flattened: per fan its id and record count, then every record's fields in order. */
        private static Map<String, FanHolds> readFans(CompactReader in) {
            String[] fanIds = in.readArrayOfString("fanIds");
            int[] counts = in.readArrayOfInt32("fanRecordCounts");
            String[] requestIds = in.readArrayOfString("recordRequestIds");
            String[] holdIds = in.readArrayOfString("recordHoldIds");
            int[] quantities = in.readArrayOfInt32("recordQuantities");
            long[] expiries = in.readArrayOfInt64("recordExpiresAtMillis");
            Map<String, FanHolds> fans = new java.util.HashMap<>();
            int r = 0;
            for (int f = 0; f < fanIds.length; f++) {
                FanHolds.Entry[] entries = new FanHolds.Entry[counts[f]];
                for (int k = 0; k < entries.length; k++, r++) {
                    entries[k] = new FanHolds.Entry(requestIds[r], holdIds[r], quantities[r], expiries[r]);
                }
                fans.put(fanIds[f], new FanHolds(entries));
            }
            return fans;
        }

        private static void writeFans(CompactWriter out, Map<String, FanHolds> fans) {
            List<FanHolds.Entry> all = new java.util.ArrayList<>();
            String[] fanIds = new String[fans.size()];
            int[] counts = new int[fans.size()];
            int f = 0;
            for (Map.Entry<String, FanHolds> e : fans.entrySet()) {
                fanIds[f] = e.getKey();
                counts[f++] = e.getValue().entries().length;
                all.addAll(List.of(e.getValue().entries()));
            }
            out.writeArrayOfString("fanIds", fanIds);
            out.writeArrayOfInt32("fanRecordCounts", counts);
            out.writeArrayOfString("recordRequestIds", all.stream().map(FanHolds.Entry::requestId)
                    .toArray(String[]::new));
            out.writeArrayOfString("recordHoldIds", all.stream().map(FanHolds.Entry::holdId).toArray(String[]::new));
            out.writeArrayOfInt32("recordQuantities", all.stream().mapToInt(FanHolds.Entry::quantity).toArray());
            out.writeArrayOfInt64("recordExpiresAtMillis",
                    all.stream().mapToLong(FanHolds.Entry::expiresAtMillis).toArray());
        }

        private static Map<Integer, Long> readSeqs(CompactReader in, String name) {
            int[] stripes = in.readArrayOfInt32(name + "Stripes");
            long[] seqs = in.readArrayOfInt64(name + "Seqs");
            Map<Integer, Long> map = new TreeMap<>();
            for (int i = 0; i < stripes.length; i++) {
                map.put(stripes[i], seqs[i]);
            }
            return map;
        }

        private static void writeSeqs(CompactWriter out, String name, Map<Integer, Long> map) {
            out.writeArrayOfInt32(name + "Stripes", map.keySet().stream().mapToInt(Integer::intValue).toArray());
            out.writeArrayOfInt64(name + "Seqs", map.values().stream().mapToLong(Long::longValue).toArray());
        }

        @Override
        public void write(CompactWriter out, Stripe stripe) {
            out.writeString("eventId", stripe.key().eventId());
            out.writeString("categoryId", stripe.key().categoryId());
            out.writeInt32("stripe", stripe.key().stripe());
            out.writeInt32("capacity", stripe.capacity());
            out.writeInt32("available", stripe.available());
            out.writeInt32("held", stripe.held());
            out.writeInt32("sold", stripe.sold());
            out.writeArrayOfCompact("holds", stripe.holds().toArray(new Hold[0]));
            List<Transfer> outbound = stripe.outbound();
            out.writeArrayOfInt32("outReceivers", outbound.stream().mapToInt(Transfer::receiver).toArray());
            out.writeArrayOfInt64("outSeqs", outbound.stream().mapToLong(Transfer::seq).toArray());
            out.writeArrayOfInt32("outUnits", outbound.stream().mapToInt(Transfer::units).toArray());
            writeSeqs(out, "lentTo", stripe.lastLentTo());
            writeSeqs(out, "appliedFrom", stripe.lastAppliedFrom());
            out.writeArrayOfString("recentOpIds", stripe.recentOps().keySet().toArray(new String[0]));
            out.writeArrayOfInt64("recentOpValues",
                    stripe.recentOps().values().stream().mapToLong(Long::longValue).toArray());
            out.writeArrayOfString("seatIds", stripe.seatIds());
            out.writeArrayOfInt8("seatStates", stripe.seatStates());
            writeFans(out, stripe.fans());
        }

        @Override
        public String getTypeName() {
            return "floodgate.Stripe";
        }

        @Override
        public Class<Stripe> getCompactClass() {
            return Stripe.class;
        }
    }
}
