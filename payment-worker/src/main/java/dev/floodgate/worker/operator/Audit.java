package dev.floodgate.worker.operator;

import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.orders.OrderFigures;
import dev.floodgate.worker.gateway.ProviderCharge;
import dev.floodgate.worker.gateway.ProviderGateway;
import dev.floodgate.worker.gateway.ProviderRefund;
import dev.floodgate.worker.gateway.ProviderUnavailableException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The end-to-end audit: compares the three books that must agree — orders in PostgreSQL, seats in the grid, charges
 * at the provider — and lists every disagreement. {@code ok} is true only when all of these hold:
 * <ul>
 *   <li>per event and category, units sold in the grid = the quantities of PAID orders;</li>
 *   <li>no hold belongs to two PAID orders, and every PAID order's hold is SOLD in the grid for that order;</li>
 *   <li>every succeeded charge at the provider belongs to exactly one PAID order (and was never refunded), or to an
 *       order that ended unpaid and was refunded exactly once, in full, with the refund recorded in
 *       {@code payment.refunds}; every PAID order has exactly one succeeded charge;</li>
 *   <li>no refund is still owed (PENDING) or refused (REJECTED) in {@code payment.refunds};</li>
 *   <li>every PAID order has one ticket per seat, and no other order has tickets.</li>
 * </ul>
 * Orders still AWAITING_PAYMENT are counted but not judged (their outcome is not known yet).
 */
public final class Audit {
    private static final int MAX_LISTED = 100;

    private final DataSource dataSource;
    private final Inventory inventory;
    private final ProviderGateway gateway;
    private final String providerChargesPath;
    private final String providerRefundsPath;

    public Audit(DataSource dataSource, Inventory inventory, ProviderGateway gateway, String providerChargesPath,
                 String providerRefundsPath) {
        this.dataSource = dataSource;
        this.inventory = inventory;
        this.gateway = gateway;
        this.providerChargesPath = providerChargesPath;
        this.providerRefundsPath = providerRefundsPath;
    }

    public record CategoryCheck(String eventId, String categoryId, int gridSold, long paidQuantity, boolean ok) {
    }

    /**
     * {@code succeededChargesWithoutPaidOrder}: order ids of succeeded charges that belong to no PAID order and were
     * not refunded exactly once in full with the refund recorded (refunded ones are counted in
     * {@code refundedCharges}); {@code refundsNotMatchingOneUnpaidCharge}: refunds at the provider of a PAID order's
     * charge, second refunds of a charge, or refunds not recorded as SUCCEEDED in {@code payment.refunds};
     * {@code refundsOwed}: rows still PENDING or REJECTED.
     */
    public record Report(boolean ok, Map<String, Long> orders, int succeededCharges, int refundedCharges,
                         List<CategoryCheck> categories,
                         List<String> holdsInSeveralPaidOrders, List<String> paidOrdersWhoseHoldIsNotSold,
                         List<String> succeededChargesWithoutPaidOrder, List<String> paidOrdersWithoutOneSucceededCharge,
                         List<String> refundsNotMatchingOneUnpaidCharge, List<String> refundsOwed,
                         List<String> ordersWithWrongTicketCount) {
    }


    public Report run() throws SQLException, ProviderUnavailableException {
        Map<String, Long> byStatus = new TreeMap<>();
        List<CategoryCheck> categories = new ArrayList<>();
        List<String> doubleHolds = new ArrayList<>();
        List<OrderFigures.PaidOrder> paid = new ArrayList<>();
        List<String> wrongTickets = new ArrayList<>();
        Map<String, String> recordedRefunds = new HashMap<>(); // provider refund id -> order id, SUCCEEDED rows
        List<String> owed = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one snapshot for every query
            byStatus.putAll(OrderFigures.countByStatus(c));
            for (OrderFigures.CategorySold category : OrderFigures.paidQuantityByCategory(c)) {
                int sold = inventory.counters(category.eventId(), category.categoryId()).sold();
                categories.add(new CategoryCheck(category.eventId(), category.categoryId(), sold,
                        category.quantity(), sold == category.quantity()));
            }
            OrderFigures.holdsPaidTwice(c).forEach(doubleHolds::add);
            for (OrderFigures.PaidOrder p : OrderFigures.paidOrders(c)) {
                paid.add(p);
                if (p.tickets() != p.quantity()) {
                    add(wrongTickets, p.orderId());
                }
            }
            OrderFigures.unpaidWithTickets(c).forEach(id -> add(wrongTickets, id));
            try (ResultSet rs = c.createStatement().executeQuery("select order_id, status, provider_refund_id"
                    + " from payment.refunds")) {
                while (rs.next()) {
                    if ("SUCCEEDED".equals(rs.getString(2))) {
                        recordedRefunds.put(rs.getString(3), rs.getString(1));
                    } else {
                        add(owed, rs.getString(1) + " " + rs.getString(2));
                    }
                }
            }
            c.commit();
        }
        List<String> notSold = new ArrayList<>();
        for (OrderFigures.PaidOrder p : paid) {
            Optional<Hold> hold = inventory.find(p.eventId(), p.holdId());
            if (hold.isEmpty() || hold.get().status() != HoldStatus.SOLD || !p.orderId().equals(hold.get().orderId())) {
                add(notSold, p.orderId());
            }
        }
        List<ProviderCharge> charges = gateway.listCharges(providerChargesPath);
        List<ProviderRefund> refunds = gateway.listRefunds(providerRefundsPath);
        Map<String, List<ProviderRefund>> refundsByCharge = new HashMap<>();
        refunds.forEach(r -> refundsByCharge.computeIfAbsent(r.chargeId(), k -> new ArrayList<>()).add(r));
        Map<String, OrderFigures.PaidOrder> paidById = new HashMap<>();
        paid.forEach(p -> paidById.put(p.orderId(), p));
        Map<String, Integer> succeededByOrder = new HashMap<>();
        List<String> orphanCharges = new ArrayList<>();
        List<String> badRefunds = new ArrayList<>();
        int refunded = 0;
        for (ProviderCharge charge : charges) {
            if (!ProviderCharge.SUCCEEDED.equals(charge.status())) {
                continue;
            }
            String order = String.valueOf(charge.reference());
            List<ProviderRefund> of = refundsByCharge.getOrDefault(charge.id(), List.of());
            if (paidById.containsKey(order)) {
                succeededByOrder.merge(order, 1, Integer::sum);
                of.forEach(r -> add(badRefunds, r.id() + " refunds the charge of PAID order " + order));
            } else if (of.size() == 1 && of.getFirst().amountMinor() == charge.amountMinor()
                    && order.equals(recordedRefunds.get(of.getFirst().id()))) {
                refunded++;
            } else {
                add(orphanCharges, order);
                if (of.size() > 1) {
                    add(badRefunds, charge.id() + " of order " + order + " refunded " + of.size() + " times");
                } else if (of.size() == 1 && !order.equals(recordedRefunds.get(of.getFirst().id()))) {
                    add(badRefunds, of.getFirst().id() + " of order " + order + " not recorded as SUCCEEDED");
                }
            }
        }
        orphanCharges.sort(null);
        java.util.Set<String> atProvider = new java.util.HashSet<>();
        refunds.forEach(r -> atProvider.add(r.id()));
        recordedRefunds.forEach((refundId, order) -> {
            if (!atProvider.contains(refundId)) {
                add(badRefunds, refundId + " of order " + order + " recorded but unknown at the provider");
            }
        });
        List<String> paidWithout = new ArrayList<>();
        paid.stream().map(OrderFigures.PaidOrder::orderId).filter(id -> succeededByOrder.getOrDefault(id, 0) != 1).sorted()
                .forEach(id -> add(paidWithout, id));
        int succeeded = (int) charges.stream().filter(ch -> ProviderCharge.SUCCEEDED.equals(ch.status())).count();
        boolean ok = categories.stream().allMatch(CategoryCheck::ok) && doubleHolds.isEmpty() && notSold.isEmpty()
                && orphanCharges.isEmpty() && paidWithout.isEmpty() && badRefunds.isEmpty() && owed.isEmpty()
                && wrongTickets.isEmpty();
        return new Report(ok, byStatus, succeeded, refunded, categories, doubleHolds, notSold,
                orphanCharges, paidWithout, badRefunds, owed, wrongTickets);
    }

    private static void add(List<String> list, String item) {
        if (list.size() < MAX_LISTED) {
            list.add(item);
        }
    }
}
