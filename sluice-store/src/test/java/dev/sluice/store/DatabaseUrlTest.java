package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {
    @Test
    void sqliteRelativePathIsResolvedAgainstTheWorkingDirectory() {
        DatabaseUrl url = DatabaseUrl.parse("sqlite:data/sluice.db");
        Path expected = Path.of("data/sluice.db").toAbsolutePath().normalize();
        assertThat(url.kind()).isEqualTo(DatabaseUrl.Kind.SQLITE);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:" + expected);
        assertThat(url.file()).contains(expected);
        assertThat(url.user()).isEmpty();
        assertThat(url.password()).isEmpty();
        assertThat(url).hasToString("sqlite:" + expected);
    }

    @Test
    void sqliteAbsoluteAndJdbcFormsAgree() {
        assertThat(DatabaseUrl.parse("sqlite:/tmp/a/../b.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/b.db");
        assertThat(DatabaseUrl.parse("jdbc:sqlite:/tmp/b.db")).isEqualTo(DatabaseUrl.parse("sqlite:/tmp/b.db"));
    }

    @Test
    void postgresFullForm() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://alice:s3cret@db.example.com:6543/sluice?sslmode=require");
        assertThat(url.kind()).isEqualTo(DatabaseUrl.Kind.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/sluice?sslmode=require");
        assertThat(url.user()).contains("alice");
        assertThat(url.password()).contains("s3cret");
        assertThat(url.database()).contains("sluice");
    }

    @Test
    void postgresMinimalFormAndAliases() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://localhost/test");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/test");
        assertThat(url.user()).isEmpty();
        assertThat(url.password()).isEmpty();
        assertThat(DatabaseUrl.parse("jdbc:postgresql://u@127.0.0.1:5432/test"))
                .isEqualTo(DatabaseUrl.parse("postgresql://u@127.0.0.1:5432/test"));
    }

    @Test
    void credentialsInQueryParametersAreTakenOutOfTheJdbcUrl() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://localhost:5432/postgres?user=postgres&password=pw&ssl=false");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/postgres?ssl=false");
        assertThat(url.user()).contains("postgres");
        assertThat(url.password()).contains("pw");
    }

    @Test
    void percentEncodedCredentialsAreDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://al%40ice:p%3Aw%2Fd+x@[::1]:5432/db");
        assertThat(url.user()).contains("al@ice");
        assertThat(url.password()).contains("p:w/d+x");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
    }

    @Test
    void toStringMasksThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://alice:s3cret@host:5432/db?password=s3cret2&ssl=true");
        assertThat(url.toString()).doesNotContain("s3cret").contains("alice:****@host:5432/db").contains("ssl=true");
        assertThat(DatabaseUrl.parse("postgres://host/db?password=s3cret").toString()).doesNotContain("s3cret");
    }

    @Test
    void withDatabaseKeepsServerAndCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://alice:pw@host:5432/db?ssl=true").withDatabase("other");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://host:5432/other?ssl=true");
        assertThat(url.password()).contains("pw");
        assertThatThrownBy(() -> DatabaseUrl.parse("sqlite:x.db").withDatabase("y"))
                .isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "mysql://host/db", "sqlite:", "sqlite::memory:", "postgresql://host", "postgresql://host/",
            "postgresql:///db", "postgresql://host:0/db", "postgresql://host:99999/db", "postgresql://host:abc/db",
            "postgresql://ho st/db", "/var/lib/sluice.db"})
    void badUrlsAreRejectedWithTheAcceptedForms(String text) {
        assertThatThrownBy(() -> DatabaseUrl.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("sqlite:PATH")
                .hasMessageContaining("postgresql://[user[:password]@]host[:port]/database");
    }

    @Test
    void errorMessageMasksThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://alice:s3cret@host:notaport/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alice:****@host")
                .message().doesNotContain("s3cret");
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://host/db?password=s3cret"))
                .message().doesNotContain("s3cret");
    }
}
