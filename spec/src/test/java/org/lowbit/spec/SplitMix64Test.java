package org.lowbit.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SplitMix64Test {
    @Test
    @DisplayName("seed 0 gives the published reference outputs (Vigna's splitmix64.c)")
    void referenceStream() {
        SplitMix64 r = new SplitMix64(0);
        assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
        assertEquals(0x06C45D188009454FL, r.nextLong());
    }

    @Test
    @DisplayName("a 32-bit draw is the high half of the 64-bit one")
    void intIsHighHalf() {
        assertEquals((int) (0xE220A8397B1DCDAFL >>> 32), new SplitMix64(0).nextInt());
    }
}
