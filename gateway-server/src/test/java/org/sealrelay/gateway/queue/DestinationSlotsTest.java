package org.sealrelay.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationSlotsTest {
    @Test
    void limitsEachDomainSeparately() {
        List<String> started = new ArrayList<>();
        DestinationSlots slots = new DestinationSlots(2, Runnable::run);

        for (int i = 0; i < 5; i++) {
            String name = "a" + i;
            slots.submit("a.example", () -> started.add(name));
        }
        slots.submit("b.example", () -> started.add("b"));

        assertThat(started).containsExactly("a0", "a1", "b");
        assertThat(slots.running("a.example")).isEqualTo(2);
    }

    @Test
    void releaseStartsNextWaitingTask() {
        List<String> started = new ArrayList<>();
        DestinationSlots slots = new DestinationSlots(1, Runnable::run);
        slots.submit("a.example", () -> started.add("first"));
        slots.submit("a.example", () -> started.add("second"));

        assertThat(started).containsExactly("first");
        slots.release("a.example");
        assertThat(started).containsExactly("first", "second");
        assertThat(slots.running("a.example")).isEqualTo(1);
        slots.release("a.example");
        assertThat(slots.running("a.example")).isZero();
    }
}
