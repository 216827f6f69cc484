package dev.floodgate.grid.catalog;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog in PostgreSQL (schema {@value #SCHEMA}, migrations under {@code classpath:db/catalog}): what a cold
 * grid is rebuilt from. Written before the grid's copy.
 */
public final class CatalogStore {
    public static final String SCHEMA = "catalog";
    private final DataSource db;

    public CatalogStore(DataSource db) {
        this.db = db;
    }

    /** Applies the catalog migrations (same conventions as every service's own schema). */
    public static CatalogStore migrate(DataSource db) {
        Flyway.configure().dataSource(db).schemas(SCHEMA).createSchemas(true).locations("classpath:db/" + SCHEMA)
                .table("flyway_history_" + SCHEMA).load().migrate();
        return new CatalogStore(db);
    }

    /** Inserts the event (stripe counts settled) unless its id exists; answers the stored event either way. */
    public EventInfo insertIfAbsent(EventInfo event) {
        for (CategoryInfo c : event.categories()) {
            if (c.stripes() < 1) {
                throw new IllegalArgumentException("settle the stripe counts before storing the event");
            }
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                int inserted;
                try (PreparedStatement ps = c.prepareStatement("insert into catalog.events (event_id, name,"
                        + " starts_at_epoch_millis, max_per_fan, hold_ttl_millis) values (?, ?, ?, ?, ?)"
                        + " on conflict (event_id) do nothing")) {
                    ps.setString(1, event.eventId());
                    ps.setString(2, event.name());
                    ps.setLong(3, event.startsAtEpochMillis());
                    ps.setInt(4, event.maxPerFan());
                    ps.setLong(5, event.holdTtlMillis());
                    inserted = ps.executeUpdate();
                }
                if (inserted == 1) {
                    try (PreparedStatement ps = c.prepareStatement("insert into catalog.categories (event_id,"
                            + " category_id, position, name, capacity, price_minor, currency, stripes, seated)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        int position = 0;
                        for (CategoryInfo cat : event.categories()) {
                            ps.setString(1, event.eventId());
                            ps.setString(2, cat.categoryId());
                            ps.setInt(3, position++);
                            ps.setString(4, cat.name());
                            ps.setInt(5, cat.capacity());
                            ps.setLong(6, cat.priceMinor());
                            ps.setString(7, cat.currency());
                            ps.setInt(8, cat.stripes());
                            ps.setBoolean(9, cat.seated());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    for (CategoryInfo cat : event.categories()) {
                        if (cat.seated()) {
                            writeSeating(c, event.eventId(), cat.categoryId(), cat.seating());
                        }
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("catalog store: could not insert event " + event.eventId(), e);
        }
        return find(event.eventId()).orElseThrow();
    }

    /** Writes the capacities of the event's categories and the seats of seated ones (what edits change). */
    public void update(EventInfo event) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("update catalog.categories set capacity = ?,"
                        + " updated_at = now() where event_id = ? and category_id = ?")) {
                    for (CategoryInfo cat : event.categories()) {
                        ps.setInt(1, cat.capacity());
                        ps.setString(2, event.eventId());
                        ps.setString(3, cat.categoryId());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                for (CategoryInfo cat : event.categories()) {
                    if (cat.seated()) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "delete from catalog.seat_rows where event_id = ? and category_id = ?")) {
                            ps.setString(1, event.eventId());
                            ps.setString(2, cat.categoryId());
                            ps.executeUpdate();
                        }
                        writeSeating(c, event.eventId(), cat.categoryId(), cat.seating());
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("catalog store: could not update event " + event.eventId(), e);
        }
    }

    /** Sections (inserted if absent: they never change) and rows of one seated category. */
    private static void writeSeating(Connection c, String eventId, String categoryId, Seating seating)
            throws SQLException {
        try (PreparedStatement sections = c.prepareStatement("insert into catalog.seat_sections (event_id,"
                + " category_id, position, section_id) values (?, ?, ?, ?) on conflict do nothing");
             PreparedStatement rows = c.prepareStatement("insert into catalog.seat_rows (event_id, category_id,"
                     + " section_id, position, row_id, seats) values (?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < seating.sections().size(); i++) {
                Seating.Section section = seating.sections().get(i);
                sections.setString(1, eventId);
                sections.setString(2, categoryId);
                sections.setInt(3, i);
                sections.setString(4, section.sectionId());
                sections.addBatch();
                for (int r = 0; r < section.rows().size(); r++) {
                    Seating.Row row = section.rows().get(r);
                    rows.setString(1, eventId);
                    rows.setString(2, categoryId);
                    rows.setString(3, section.sectionId());
                    rows.setInt(4, r);
                    rows.setString(5, row.rowId());
                    rows.setArray(6, c.createArrayOf("int4", row.seats().toArray()));
                    rows.addBatch();
                }
            }
            sections.executeBatch();
            rows.executeBatch();
        }
    }

    public Optional<EventInfo> find(String eventId) {
        return read("where e.event_id = ?", eventId).stream().findFirst();
    }

    public List<EventInfo> all() {
        return read("", null);
    }

    private List<EventInfo> read(String where, String eventId) {
        String sql = "select e.event_id, e.name, e.starts_at_epoch_millis, e.max_per_fan, e.hold_ttl_millis,"
                + " c.category_id, c.name, c.capacity, c.price_minor, c.currency, c.stripes, c.seated"
                + " from catalog.events e join catalog.categories c on c.event_id = e.event_id " + where
                + " order by e.starts_at_epoch_millis, e.event_id, c.position";
        Map<String, Object[]> heads = new LinkedHashMap<>();
        Map<String, List<CategoryInfo>> categories = new LinkedHashMap<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false); // one snapshot for the categories and their seats
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                Map<String, Seating> seatings = seatings(c, where, eventId);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (eventId != null) {
                        ps.setString(1, eventId);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String id = rs.getString(1);
                            heads.putIfAbsent(id, new Object[]{rs.getString(2), rs.getLong(3), rs.getInt(4),
                                    rs.getLong(5)});
                            Seating seating = rs.getBoolean(12) ? seatings.get(id + "/" + rs.getString(6)) : null;
                            categories.computeIfAbsent(id, k -> new ArrayList<>()).add(new CategoryInfo(
                                    rs.getString(6), rs.getString(7), rs.getInt(8), rs.getLong(9), rs.getString(10),
                                    rs.getInt(11), seating));
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("catalog store: could not read events", e);
        }
        List<EventInfo> out = new ArrayList<>();
        heads.forEach((id, h) -> out.add(new EventInfo(id, (String) h[0], (Long) h[1], (Integer) h[2], (Long) h[3],
                categories.get(id))));
        return out;
    }

    /** The seating of every seated category the reading covers, by "event/category". */
    private static Map<String, Seating> seatings(Connection c, String where, String eventId) throws SQLException {
        String filter = where.replace("e.event_id", "s.event_id");
        Map<String, Map<String, List<Seating.Row>>> sections = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select s.event_id, s.category_id, s.section_id"
                + " from catalog.seat_sections s " + filter + " order by s.event_id, s.category_id, s.position")) {
            if (eventId != null) {
                ps.setString(1, eventId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sections.computeIfAbsent(rs.getString(1) + "/" + rs.getString(2), k -> new LinkedHashMap<>())
                            .put(rs.getString(3), new ArrayList<>());
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select s.event_id, s.category_id, s.section_id, s.row_id,"
                + " s.seats from catalog.seat_rows s " + filter
                + " order by s.event_id, s.category_id, s.section_id, s.position")) {
            if (eventId != null) {
                ps.setString(1, eventId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer[] seats = (Integer[]) rs.getArray(5).getArray();
                    sections.get(rs.getString(1) + "/" + rs.getString(2)).get(rs.getString(3))
                            .add(new Seating.Row(rs.getString(4), List.of(seats)));
                }
            }
        }
        Map<String, Seating> out = new LinkedHashMap<>();
        sections.forEach((key, rows) -> {
            List<Seating.Section> list = new ArrayList<>();
            rows.forEach((id, r) -> list.add(new Seating.Section(id, r)));
            out.put(key, new Seating(list));
        });
        return out;
    }
}
