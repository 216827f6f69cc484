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
                            + " category_id, position, name, capacity, price_minor, currency, stripes)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?)")) {
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
                            ps.addBatch();
                        }
                        ps.executeBatch();
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

    /** Writes the capacities of the event's categories (the only thing an edit changes). */
    public void update(EventInfo event) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("update catalog.categories set capacity = ?,"
                     + " updated_at = now() where event_id = ? and category_id = ?")) {
            for (CategoryInfo cat : event.categories()) {
                ps.setInt(1, cat.capacity());
                ps.setString(2, event.eventId());
                ps.setString(3, cat.categoryId());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("catalog store: could not update event " + event.eventId(), e);
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
                + " c.category_id, c.name, c.capacity, c.price_minor, c.currency, c.stripes"
                + " from catalog.events e join catalog.categories c on c.event_id = e.event_id " + where
                + " order by e.starts_at_epoch_millis, e.event_id, c.position";
        Map<String, Object[]> heads = new LinkedHashMap<>();
        Map<String, List<CategoryInfo>> categories = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (eventId != null) {
                ps.setString(1, eventId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    heads.putIfAbsent(id, new Object[]{rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getLong(5)});
                    categories.computeIfAbsent(id, k -> new ArrayList<>()).add(new CategoryInfo(rs.getString(6),
                            rs.getString(7), rs.getInt(8), rs.getLong(9), rs.getString(10), rs.getInt(11)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("catalog store: could not read events", e);
        }
        List<EventInfo> out = new ArrayList<>();
        heads.forEach((id, h) -> out.add(new EventInfo(id, (String) h[0], (Long) h[1], (Integer) h[2], (Long) h[3],
                categories.get(id))));
        return out;
    }
}
