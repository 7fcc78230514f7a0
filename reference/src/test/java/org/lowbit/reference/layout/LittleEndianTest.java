package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LittleEndianTest {

    @Test
    @DisplayName("int-packing §0.3: word 0x86427531 is stored as bytes 31 75 42 86, and back")
    void wordBytes() {
        assertArrayEquals(RandomCodes.hex("31 75 42 86 21 43 65 87"), LittleEndian.toBytes(new int[] {0x86427531, 0x87654321}));
        assertArrayEquals(new int[] {0x86427531, 0x87654321}, LittleEndian.toInts(RandomCodes.hex("31 75 42 86 21 43 65 87")));
    }

    @Test
    @DisplayName("fp16 fields: 0xB000 is stored as 00 B0")
    void shortBytes() {
        byte[] b = new byte[2];
        LittleEndian.putShort(b, 0, (short) 0xB000);
        assertArrayEquals(RandomCodes.hex("00 B0"), b);
        assertEquals((short) 0xB000, LittleEndian.getShort(b, 0));
    }

    @Test
    @DisplayName("bad input: a byte count that is not a multiple of 4")
    void badLength() {
        assertThrows(IllegalArgumentException.class, () -> LittleEndian.toInts(new byte[6]));
        assertThrows(IndexOutOfBoundsException.class, () -> LittleEndian.toBytes(new int[2], 0, 2, new byte[7], 0));
    }
}
