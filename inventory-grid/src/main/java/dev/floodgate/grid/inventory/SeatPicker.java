package dev.floodgate.grid.inventory;

import dev.floodgate.grid.catalog.SeatId;
import dev.floodgate.grid.stripe.Stripe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Picks "best available" seats from a seat map: {@code quantity} seats with consecutive numbers in one row, the
 * first row (in section and row order) that has them, and within it the run nearest the row's middle; failing
 * that, any {@code quantity} available seats of one section (first section that has enough, in row order).
 * Empty when no section has {@code quantity} available seats. Pure: the hold itself is taken by name afterwards.
 */
final class SeatPicker {
    private SeatPicker() {
    }

    static List<String> pick(List<Inventory.SectionSeats> sections, int quantity) {
        List<Map<String, TreeMap<Integer, Boolean>>> rowsBySection = new ArrayList<>();
        for (Inventory.SectionSeats section : sections) {
            Map<String, TreeMap<Integer, Boolean>> rows = new LinkedHashMap<>();
            for (int i = 0; i < section.seatIds().length; i++) {
                SeatId seat = SeatId.parse(section.seatIds()[i]).orElseThrow();
                rows.computeIfAbsent(seat.row(), k -> new TreeMap<>())
                        .put(seat.number(), section.states()[i] == Stripe.SEAT_AVAILABLE);
            }
            rowsBySection.add(rows);
        }
        for (int s = 0; s < sections.size(); s++) {
            for (Map.Entry<String, TreeMap<Integer, Boolean>> row : rowsBySection.get(s).entrySet()) {
                List<Integer> best = bestRun(row.getValue(), quantity);
                if (best != null) {
                    String sectionId = sections.get(s).sectionId();
                    return best.stream().map(n -> new SeatId(sectionId, row.getKey(), n).toString()).toList();
                }
            }
        }
        for (int s = 0; s < sections.size(); s++) {
            List<String> any = new ArrayList<>();
            for (Map.Entry<String, TreeMap<Integer, Boolean>> row : rowsBySection.get(s).entrySet()) {
                for (Map.Entry<Integer, Boolean> seat : row.getValue().entrySet()) {
                    if (seat.getValue() && any.size() < quantity) {
                        any.add(new SeatId(sections.get(s).sectionId(), row.getKey(), seat.getKey()).toString());
                    }
                }
            }
            if (any.size() == quantity) {
                return any;
            }
        }
        return List.of();
    }

    /** The window of {@code quantity} consecutive available seat numbers nearest the row's middle, or null. */
    private static List<Integer> bestRun(TreeMap<Integer, Boolean> row, int quantity) {
        if (row.isEmpty()) {
            return null;
        }
        double middle = (row.firstKey() + row.lastKey()) / 2.0;
        List<Integer> best = null;
        double bestDistance = Double.MAX_VALUE;
        List<Integer> run = new ArrayList<>();
        for (Map.Entry<Integer, Boolean> seat : row.entrySet()) {
            boolean continues = !run.isEmpty() && seat.getKey() == run.getLast() + 1;
            if (!seat.getValue()) {
                run.clear();
                continue;
            }
            if (!continues) {
                run.clear();
            }
            run.add(seat.getKey());
            if (run.size() >= quantity) {
                List<Integer> window = run.subList(run.size() - quantity, run.size());
                double distance = Math.abs((window.getFirst() + window.getLast()) / 2.0 - middle);
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = List.copyOf(window);
                }
            }
        }
        return best;
    }
}
