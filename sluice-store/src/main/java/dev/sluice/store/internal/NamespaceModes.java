package dev.sluice.store.internal;

import dev.sluice.sync.DeletionMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code sluice_namespaces} table: how each namespace keeps deleted objects, recorded by its first sync, so a
 * webhook endpoint and a sync writing the same tables cannot disagree silently.
 */
public final class NamespaceModes {
    private final Dialect dialect;

    public NamespaceModes(Dialect dialect) {
        this.dialect = dialect;
    }

    public Optional<DeletionMode> read(Connection c, String namespace) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT deletes FROM sluice_namespaces WHERE namespace = ?")) {
            ps.setString(1, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(DeletionMode.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)))
                        : Optional.empty();
            }
        }
    }

    /** Records {@code mode} unless the namespace has one; returns the namespace's mode either way. */
    public DeletionMode recordIfAbsent(Connection c, String namespace, DeletionMode mode, long nowMillis)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sluice_namespaces (namespace, deletes, updated_at)"
                + " VALUES (?, ?, ?) ON CONFLICT (namespace) DO NOTHING")) {
            ps.setString(1, namespace);
            ps.setString(2, mode.flag());
            dialect.bindInstant(ps, 3, nowMillis);
            ps.executeUpdate();
        }
        return read(c, namespace).orElseThrow();
    }
}
