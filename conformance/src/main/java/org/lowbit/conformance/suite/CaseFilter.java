package org.lowbit.conformance.suite;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.lowbit.conformance.run.Shard;
import org.lowbit.spec.SplitMix64;

/**
 * Which cases a run keeps: those whose id matches one of the {@code --only} ids or globs ({@code *} any run of
 * characters, {@code ?} one character; empty keeps all), and that fall in the run's shard.
 */
public final class CaseFilter {
    private final List<Pattern> only;
    private final List<String> literalIds;
    private final Shard shard;

    public CaseFilter(java.util.Set<String> only, Shard shard) {
        this.only = only.stream().sorted().map(CaseFilter::glob).toList();
        this.literalIds = only.stream().filter(id -> id.indexOf('*') < 0 && id.indexOf('?') < 0).sorted().toList();
        this.shard = shard;
    }

    /** Keeps every case. */
    public static final CaseFilter ALL = new CaseFilter(java.util.Set.of(), Shard.ALL);

    public boolean keeps(String caseId) {
        if (!only.isEmpty() && only.stream().noneMatch(p -> p.matcher(caseId).matches())) {
            return false;
        }
        return shard.count() == 1 || shardOf(caseId, shard.count()) == shard.index();
    }

    /** The {@code --only} entries that are whole case ids, not globs. */
    public List<String> literalIds() { return literalIds; }

    /** Whether the filter keeps everything (then a claim that ran no case is a FAIL). */
    public boolean keepsAll() {
        return only.isEmpty() && shard.count() == 1;
    }

    /** The shard (1..n) a case belongs to: {@code 1 + floorMod(stableHash(id), n)}. */
    public static int shardOf(String caseId, int n) {
        return 1 + (int) Math.floorMod(stableHash(caseId), (long) n);
    }

    /**
     * A hash of the id's UTF-8 bytes that is the same on every JVM: each byte is added to the state and
     * mixed with SplitMix64's output function (SPEC.md §7).
     */
    public static long stableHash(String caseId) {
        long h = 0x9E3779B97F4A7C15L;
        for (byte b : caseId.getBytes(StandardCharsets.UTF_8)) {
            h = SplitMix64.mix(h + (b & 0xFF));
        }
        return h;
    }

    /** A glob over case ids as a regex: {@code *} and {@code ?} are wild, everything else literal. */
    public static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
