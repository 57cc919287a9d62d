package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectIndexTest {

    static final long MIN = Long.MIN_VALUE;
    static final long MAX = Long.MAX_VALUE;

    // List order (created DESC, id DESC): e@30, b@20, z@10, a@10, y@5
    final ObjectIndex index = new ObjectIndex(List.of(
            new Entry("a", 10), new Entry("z", 10), new Entry("b", 20), new Entry("y", 5), new Entry("e", 30)));

    private static List<String> ids(Page p) {
        return p.items().stream().map(Snapshot::id).toList();
    }

    @Test
    void listsNewestFirstThenIdDescending() {
        Page p = index.page(MIN, MAX, null, null, 10);
        assertThat(ids(p)).containsExactly("e", "b", "z", "a", "y");
        assertThat(p.hasMore()).isFalse();
    }

    @Test
    void hasMoreIsExact() {
        assertThat(index.page(MIN, MAX, null, null, 4).hasMore()).isTrue();
        assertThat(index.page(MIN, MAX, null, null, 5).hasMore()).isFalse();
        Entry z = index.find("z").orElseThrow();
        assertThat(ids(index.page(MIN, MAX, z, null, 2))).containsExactly("a", "y");
        assertThat(index.page(MIN, MAX, z, null, 2).hasMore()).isFalse();
        assertThat(index.page(MIN, MAX, z, null, 1).hasMore()).isTrue();
    }

    @Test
    void startingAfterSplitsASecondById() {
        Entry z = index.find("z").orElseThrow();
        assertThat(ids(index.page(MIN, MAX, z, null, 10))).containsExactly("a", "y");
        Entry a = index.find("a").orElseThrow();
        assertThat(ids(index.page(10, 11, a, null, 10))).isEmpty();
    }

    @Test
    void aCursorOutsideTheFilterStillPositionsThePage() {
        Entry e = index.find("e").orElseThrow();
        assertThat(ids(index.page(5, 20, e, null, 10))).containsExactly("z", "a", "y");
        Entry y = index.find("y").orElseThrow();
        assertThat(ids(index.page(10, 31, null, y, 2))).containsExactly("z", "a");
        assertThat(index.page(10, 31, null, y, 2).hasMore()).isTrue();
    }

    @Test
    void endingBeforeTakesTheItemsJustNewer() {
        Entry a = index.find("a").orElseThrow();
        assertThat(ids(index.page(MIN, MAX, null, a, 2))).containsExactly("b", "z");
        assertThat(index.page(MIN, MAX, null, a, 2).hasMore()).isTrue();
        assertThat(index.page(MIN, MAX, null, a, 3).hasMore()).isFalse();
    }

    @Test
    void insertKeepsTheOrderAndRejectsATakenId() {
        assertThat(index.insert(new Entry("c", 10))).isTrue();
        assertThat(index.insert(new Entry("c", 99))).isFalse();
        assertThat(ids(index.page(MIN, MAX, null, null, 10))).containsExactly("e", "b", "z", "c", "a", "y");
        assertThat(index.ids(10, 11)).containsExactly("a", "c", "z");
        assertThat(index.size()).isEqualTo(6);
    }
}
