package dev.floodgate.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the other parts read about orders as a whole: the gauges' counts, the payment audit's cross-checks and the
 * live orders a cold grid is rebuilt from. Reads only, on the caller's connection (the audit runs them all in one
 * snapshot).
 */
public final class OrderFigures {
    private OrderFigures() {
    }

    /** Orders by status ({@code AWAITING_PAYMENT}, {@code PAID}, ...), statuses without orders left out. */
    public static Map<String, Long> countByStatus(Connection c) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select status, count(*) from " + OrderBook.ORDERS + " group by status")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Per event, orders by status (statuses without orders left out); events in order. */
    public static Map<String, Map<String, Long>> countByEventAndStatus(Connection c) throws SQLException {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select event_id, status, count(*) from " + OrderBook.ORDERS + " group by event_id, status")) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), e -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return out;
    }

    /** Units sold (in PAID orders) of one category with orders. */
    public record CategorySold(String eventId, String categoryId, long quantity) {
    }

    /** Every category that has orders, with the units its PAID orders bought; by event, then category. */
    public static List<CategorySold> paidQuantityByCategory(Connection c) throws SQLException {
        List<CategorySold> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select event_id, category_id,"
                + " coalesce(sum(quantity) filter (where status = 'PAID'), 0) from " + OrderBook.ORDERS
                + " group by event_id, category_id order by event_id, category_id")) {
            while (rs.next()) {
                out.add(new CategorySold(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
        return out;
    }

    /** Holds that more than one PAID order bought (each a seat sold twice). */
    public static List<String> holdsPaidTwice(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select hold_id from " + OrderBook.ORDERS
                + " where status = 'PAID' group by hold_id having count(*) > 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A PAID order and how many tickets it has. */
    public record PaidOrder(String orderId, String eventId, String holdId, int quantity, int tickets) {
    }

    public static List<PaidOrder> paidOrders(Connection c) throws SQLException {
        List<PaidOrder> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select o.id, o.event_id, o.hold_id,"
                + " o.quantity, (select count(*) from " + OrderBook.TICKETS + " t where t.order_id = o.id)"
                + " from " + OrderBook.ORDERS + " o where o.status = 'PAID'")) {
            while (rs.next()) {
                out.add(new PaidOrder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5)));
            }
        }
        return out;
    }

    /** Orders that have tickets but are not PAID (tickets are issued only by the move to PAID). */
    public static List<String> unpaidWithTickets(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select distinct t.order_id from "
                + OrderBook.TICKETS + " t join " + OrderBook.ORDERS + " o on o.id = t.order_id where o.status <> 'PAID'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * An order that holds stock: awaiting payment (its seats in checkout) or paid (sold).
     *
     * @param seatIds the numbered seats of a seated order, else empty
     */
    public record LiveOrder(String orderId, String fanId, String holdId, int quantity, boolean paid,
                            List<String> seatIds) {
    }

    /**
     * The orders of one category that hold stock, oldest first. No {@code checkout} schema yet (checkout never ran
     * against this database) reads as no orders.
     */
    public static List<LiveOrder> liveOrders(Connection c, String eventId, String categoryId) throws SQLException {
        List<LiveOrder> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id, fan_id, hold_id, quantity, status, seat_ids from "
                + OrderBook.ORDERS + " where event_id = ? and category_id = ? and status in ('AWAITING_PAYMENT', 'PAID')"
                + " order by created_at")) {
            ps.setString(1, eventId);
            ps.setString(2, categoryId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LiveOrder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            "PAID".equals(rs.getString(5)), OrderBook.seatIds(rs, 6)));
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return List.of();
            }
            throw e;
        }
        return out;
    }
}
