/**
 * The MX dot product (OCP MX v1.0 §6.1 Dot, §6.2 DotGeneral): {@link org.lowbit.reference.dot.MxVector}
 * holds an operand in logical form (scale codes, element codes, an optional per-tensor scale);
 * {@link org.lowbit.reference.dot.MxDot} gives the exact result, the FP32 result of each pinned
 * accumulation profile ({@link org.lowbit.spec.DotAccumulation}), and the error bound that any FP32
 * accumulation must meet in any order ({@link org.lowbit.reference.dot.DotErrorBound}).
 *
 * <p>The exact path never rounds until its one final rounding; the pinned profiles use Java
 * {@code float} arithmetic, which is IEEE binary32 on every JVM, so both give the same bits everywhere.
 * The normative text is {@code SPEC.md §10}.
 */
package org.lowbit.reference.dot;
