package org.lowbit.vectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.ScaleClampRange;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.WeightLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.ScaleRule;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.E8m0ZeroPolicy;
import org.lowbit.spec.SpecialPolicies.InfPolicy;
import org.lowbit.spec.SpecialPolicies.IntegerRange;
import org.lowbit.spec.SpecialPolicies.NanPolicy;
import org.lowbit.spec.SpecialPolicies.NegativePolicy;

/**
 * Reads a vector file strictly (FORMAT.md §8). It refuses, with a message that names the file, the place
 * and the problem: malformed JSON, duplicate keys, trailing data, a wrong {@code schema}, a suite version
 * of another major version, an unknown or missing field, a value of the wrong type, an unknown format,
 * profile or knob value, hex that is malformed or of the wrong length, a {@code numberOfTests} that does
 * not match, and a {@code tcId} used twice. Checksums are the manifest's business ({@link VectorSets}).
 */
public final class VectorJsonReader {
    private VectorJsonReader() {}

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The suite versions this reader accepts: major version 0. */
    static final String SUPPORTED_MAJOR = VectorFile.SUITE_VERSION.substring(0, VectorFile.SUITE_VERSION.indexOf('.'));

    /**
     * Parses one file.
     *
     * @param name the file's name for messages (its path in the vector set)
     * @throws VectorFormatException naming {@code name} and the problem
     */
    public static VectorFile read(String name, byte[] bytes) throws VectorFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new VectorFormatException(name + ": not valid JSON (truncated or corrupted?): "
                                            + e.getOriginalMessage() + locationOf(e));
        } catch (IOException e) {
            throw new VectorFormatException(name + ": cannot be read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new VectorFormatException(name + ": empty file");
        }
        try {
            return new Parse(name).file(root);
        } catch (IllegalArgumentException e) {
            throw new VectorFormatException(name + ": " + e.getMessage(), e);
        }
    }

    /** Reads a manifest or results-style JSON tree with the same strictness; for {@link VectorSets}. */
    static JsonNode tree(String name, byte[] bytes) throws VectorFormatException {
        try {
            JsonNode root = MAPPER.readTree(bytes);
            if (root == null || root.isMissingNode()) {
                throw new VectorFormatException(name + ": empty file");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new VectorFormatException(name + ": not valid JSON (truncated or corrupted?): "
                                            + e.getOriginalMessage() + locationOf(e));
        } catch (IOException e) {
            throw new VectorFormatException(name + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? "" : String.format(Locale.ROOT, " (line %d, column %d)",
                e.getLocation().getLineNr(), e.getLocation().getColumnNr());
    }

    /** A JSON object whose fields are taken one by one; {@link #done()} refuses the ones nobody took. */
    static final class Fields {
        private final String where;
        private final JsonNode node;
        private final Set<String> taken = new LinkedHashSet<>();

        Fields(String where, JsonNode node) {
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(where + " must be an object");
            }
            this.where = where;
            this.node = node;
        }

        String where() { return where; }

        boolean has(String key) { return node.has(key); }

        JsonNode required(String key) {
            taken.add(key);
            JsonNode v = node.get(key);
            if (v == null) {
                throw new IllegalArgumentException(where + ": missing field '" + key + "'");
            }
            return v;
        }

        String string(String key) {
            JsonNode v = required(key);
            if (!v.isTextual()) {
                throw new IllegalArgumentException(where + ": '" + key + "' must be a string, not " + v.getNodeType());
            }
            return v.textValue();
        }

        Optional<String> optionalString(String key) {
            return node.has(key) ? Optional.of(string(key)) : Optional.empty();
        }

        int integer(String key) {
            JsonNode v = required(key);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new IllegalArgumentException(where + ": '" + key + "' must be an integer, not " + v);
            }
            return v.intValue();
        }

        String hex(String key) {
            return hex(key, -1);
        }

        String hex(String key, int bytes) {
            String value = string(key);
            try {
                return bytes < 0 ? HexBytes.requireHex(key, value) : HexBytes.requireHex(key, value, bytes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }

        <T> T value(String key, Function<String, T> byId) {
            String id = string(key);
            try {
                return byId.apply(id);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": '" + key + "': " + e.getMessage());
            }
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type) {
            String name = string(key);
            try {
                return Enum.valueOf(type, name);
            } catch (IllegalArgumentException e) {
                List<String> names = new ArrayList<>();
                for (E c : type.getEnumConstants()) {
                    names.add(c.name());
                }
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: '%s' is '%s'; known: %s", where,
                        key, name, String.join(", ", names)));
            }
        }

        List<String> strings(String key) {
            JsonNode v = required(key);
            if (!v.isArray()) {
                throw new IllegalArgumentException(where + ": '" + key + "' must be an array of strings");
            }
            List<String> out = new ArrayList<>(v.size());
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw new IllegalArgumentException(where + ": '" + key + "' must be an array of strings, not " + v);
                }
                out.add(e.textValue());
            }
            return out;
        }

        JsonNode array(String key) {
            JsonNode v = required(key);
            if (!v.isArray()) {
                throw new IllegalArgumentException(where + ": '" + key + "' must be an array");
            }
            return v;
        }

        Fields object(String key) {
            return new Fields(where + "." + key, required(key));
        }

        void done() {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!taken.contains(n)) {
                    throw new IllegalArgumentException(where + ": unknown field '" + n + "'");
                }
            }
        }
    }

    private static final class Parse {
        private final String name;
        private final Map<Integer, String> tcIds = new HashMap<>();

        Parse(String name) {
            this.name = name;
        }

        VectorFile file(JsonNode root) {
            Fields f = new Fields("file", root);
            String schema = f.string("schema");
            if (!schema.equals(VectorFile.SCHEMA)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "wrong schema id '%s': this reader reads '%s' files", schema, VectorFile.SCHEMA));
            }
            String version = f.string("suiteVersion");
            if (!version.matches("[0-9]+\\.[0-9]+\\.[0-9]+")) {
                throw new IllegalArgumentException("suiteVersion '" + version + "' is not MAJOR.MINOR.PATCH");
            }
            if (!version.substring(0, version.indexOf('.')).equals(SUPPORTED_MAJOR)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "wrong suite version %s: this reader reads version %s.x.y files (it writes %s)", version,
                        SUPPORTED_MAJOR, VectorFile.SUITE_VERSION));
            }
            Operation operation = f.value("operation", Operation::byId);
            String format = f.string("format");
            String profile = f.string("profile");
            Level level = f.value("level", Level::byId);
            int numberOfTests = f.integer("numberOfTests");
            List<String> header = f.strings("header");
            Map<String, Note> notes = notes(f.object("notes"));
            JsonNode groupsNode = f.array("testGroups");
            f.done();
            checkFileFormat(operation, format, profile);

            List<TestGroup> groups = new ArrayList<>();
            int i = 0;
            for (JsonNode g : groupsNode) {
                groups.add(group(new Fields("testGroups[" + i++ + "]", g), operation));
            }
            for (TestGroup g : groups) {
                if (g instanceof WeightPackGroup w && !WeightPackGroup.format(w.bits()).equals(format)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "a %d-bit weight-pack group in a file of format %s", w.bits(), format));
                }
            }
            int counted = groups.stream().mapToInt(g -> g.tests().size()).sum();
            if (counted != numberOfTests) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "numberOfTests is %d, but the file holds %d tests", numberOfTests, counted));
            }
            return new VectorFile(schema, version, operation, format, profile, level, numberOfTests, header, notes,
                    groups);
        }

        private static void checkFileFormat(Operation operation, String format, String profile) {
            switch (operation) {
                case DECODE, PACK -> {
                    ElementFormat.byId(format);
                    requireNoProfile(operation, profile);
                }
                case ENCODE -> {
                    ElementFormat.byId(format);
                    ElementProfile.byId(profile);
                }
                case QUANTIZE -> {
                    BlockFormat.byId(format);
                    BlockProfile.byId(profile);
                }
                case SCALED_QUANTIZE -> {
                    ScaledFormat f = ScaledFormat.byId(format);
                    if (!ScaledProfile.byId(profile).defines(f)) {
                        throw new IllegalArgumentException("scaled profile " + profile + " does not define " + format);
                    }
                }
                case WEIGHT_PACK -> {
                    if (!format.matches("b[1-8]")) {
                        throw new IllegalArgumentException("weight-pack files have format b<bits>, not '" + format + "'");
                    }
                    requireNoProfile(operation, profile);
                }
                case SCALE_PACK -> {
                    if (!format.equals(ScalePackGroup.FORMAT)) {
                        throw new IllegalArgumentException("scale-pack files have format '" + ScalePackGroup.FORMAT
                                                           + "', not '" + format + "'");
                    }
                    requireNoProfile(operation, profile);
                }
            }
        }

        private static void requireNoProfile(Operation operation, String profile) {
            if (!profile.equals(VectorFile.NO_PROFILE)) {
                throw new IllegalArgumentException(operation + " files have profile 'none', not '" + profile + "'");
            }
        }

        private Map<String, Note> notes(Fields f) {
            Map<String, Note> notes = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : f.node.properties()) {
                Fields n = f.object(e.getKey());
                Note note = new Note(n.string("bugType"), n.string("description"), n.strings("links"));
                n.done();
                notes.put(e.getKey(), note);
            }
            return notes;
        }

        private TestGroup group(Fields g, Operation operation) {
            Operation type = g.value("type", Operation::byId);
            if (type != operation) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s: a %s group in a %s file", g.where(), type, operation));
            }
            TestGroup group = switch (operation) {
                case DECODE -> decodeGroup(g);
                case ENCODE -> encodeGroup(g);
                case QUANTIZE -> quantizeGroup(g);
                case PACK -> packGroup(g);
                case SCALE_PACK -> scalePackGroup(g);
                case WEIGHT_PACK -> weightPackGroup(g);
                case SCALED_QUANTIZE -> scaledQuantizeGroup(g);
            };
            g.done();
            return group;
        }

        private long seed(Fields g) {
            String text = g.string("seed");
            if (!text.matches("0x[0-9a-f]{16}")) {
                throw new IllegalArgumentException(g.where() + ": seed '" + text + "' is not 0x and 16 lowercase hex digits");
            }
            return Long.parseUnsignedLong(text.substring(2), 16);
        }

        private DecodeGroup decodeGroup(Fields g) {
            ElementFormat format = g.value("format", ElementFormat::byId);
            String generator = g.string("generator");
            long seed = seed(g);
            List<DecodeTest> tests = tests(g, t -> new DecodeTest(tcId(t), t.string("comment"), t.strings("flags"),
                    t.hex("code", 1), t.hex("expected", 4), t.value("result", Result::byId)));
            return new DecodeGroup(format, generator, seed, tests);
        }

        private EncodeGroup encodeGroup(Fields g) {
            SourceFormat source = source(g);
            ElementFormat format = g.value("format", ElementFormat::byId);
            ElementProfile profile = g.value("profile", ElementProfile::byId);
            ElementKnobs knobs = elementKnobs(g.object("knobs"));
            String generator = g.string("generator");
            long seed = seed(g);
            int width = source.bytes();
            List<EncodeTest> tests = tests(g, t -> new EncodeTest(tcId(t), t.string("comment"), t.strings("flags"),
                    t.hex("input", width), t.has("randomBits") ? Optional.of(t.hex("randomBits", 4)) : Optional.empty(),
                    t.hex("expected", 1), t.value("result", Result::byId)));
            return new EncodeGroup(source, format, profile, knobs, generator, seed, tests);
        }

        private QuantizeGroup quantizeGroup(Fields g) {
            BlockFormat format = g.value("format", BlockFormat::byId);
            BlockProfile profile = g.value("profile", BlockProfile::byId);
            SourceFormat source = source(g);
            BlockKnobs knobs = blockKnobs(g.object("knobs"));
            ElementKnobs elementKnobs = elementKnobs(g.object("elementKnobs"));
            int blockSize = g.integer("blockSize");
            int rowLength = g.integer("rowLength");
            int rows = g.integer("rows");
            ElementLayout elementLayout = g.value("elementLayout", ElementLayout::byId);
            ScaleLayout scaleLayout = g.value("scaleLayout", ScaleLayout::byId);
            TensorScaleMode mode = g.value("tensorScale", TensorScaleMode::byId);
            String generator = g.string("generator");
            long seed = seed(g);
            if (blockSize != format.blockSize()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: blockSize %d, but %s blocks hold %d",
                        g.where(), blockSize, format.id(), format.blockSize()));
            }
            if (!elementKnobs.equals(knobs.elementKnobs(format))) {
                throw new IllegalArgumentException(g.where() + ": elementKnobs do not follow from knobs (the element"
                                                   + " profile's knobs with elementRounding): expected "
                                                   + knobs.elementKnobs(format));
            }
            if (elementLayout != ElementLayout.UNPACKED || scaleLayout != ScaleLayout.ROW_MAJOR) {
                throw new IllegalArgumentException(g.where() + ": v1 quantize groups are unpacked and row-major");
            }
            int inputBytes = rows * rowLength * source.bytes();
            List<QuantizeTest> tests = tests(g, t -> {
                int tcId = tcId(t);
                String comment = t.string("comment");
                List<String> flags = t.strings("flags");
                String input = t.hex("input", inputBytes);
                Optional<String> given = mode == TensorScaleMode.GIVEN ? Optional.of(t.hex("tensorScale", 4))
                                                                       : Optional.empty();
                Fields e = t.object("expected");
                QuantizeExpected expected;
                if (e.has("error")) {
                    expected = new QuantizeExpected.Rejected(e.string("error"));
                } else {
                    int elements = rows * rowLength;
                    int blocks = rows * Math.ceilDiv(rowLength, format.blockSize());
                    expected = new QuantizeExpected.Output(e.hex("scales", blocks), e.hex("elements", elements),
                            mode == TensorScaleMode.COMPUTED ? Optional.of(e.hex("tensorScale", 4)) : Optional.empty(),
                            e.hex("dequantized", 4 * elements));
                }
                e.done();
                return new QuantizeTest(tcId, comment, flags, input, given, expected, t.value("result", Result::byId));
            });
            return new QuantizeGroup(format, profile, source, knobs, rowLength, rows, elementLayout, scaleLayout, mode,
                    generator, seed, tests);
        }

        private PackGroup packGroup(Fields g) {
            ElementLayout layout = g.value("layout", ElementLayout::byId);
            ElementFormat format = g.value("format", ElementFormat::byId);
            String generator = g.string("generator");
            long seed = seed(g);
            List<PackTest> tests = tests(g, t -> new PackTest(tcId(t), t.string("comment"), t.strings("flags"),
                    t.hex("codes"), t.hex("expected"), t.value("result", Result::byId)));
            return new PackGroup(layout, format, generator, seed, tests);
        }

        private ScaledQuantizeGroup scaledQuantizeGroup(Fields g) {
            ScaledFormat format = g.value("format", ScaledFormat::byId);
            ScaledProfile profile = g.value("profile", ScaledProfile::byId);
            SourceFormat source = source(g);
            Fields k = g.object("knobs");
            ScaledKnobs knobs = ScaledKnobs.builder()
                    .rule(k.enumValue("rule", ScaledPolicies.QuantizerRule.class))
                    .application(k.enumValue("application", ScaledPolicies.ScaleApplication.class))
                    .scalarDivision(k.enumValue("scalarDivision", ScaledPolicies.ScalarDivision.class))
                    .rounding(k.enumValue("rounding", ScaledPolicies.CodeRounding.class))
                    .range(k.enumValue("range", IntegerRange.class))
                    .fp8Overflow(k.enumValue("fp8Overflow", Overflow.class))
                    .arithmetic(k.enumValue("arithmetic", ScaledPolicies.Precision.class))
                    .scaleDtype(k.enumValue("scaleDtype", ScaledPolicies.Precision.class))
                    .dequantArithmetic(k.enumValue("dequantArithmetic", ScaledPolicies.Precision.class))
                    .amaxFloor(Double.longBitsToDouble(HexBytes.parseF64(k.hex("amaxFloor", 8))))
                    .zeroScale(k.enumValue("zeroScale", ScaledPolicies.ZeroScale.class))
                    .scaleRounding(k.enumValue("scaleRounding", ScaledPolicies.ScaleRounding.class))
                    .floatZero(k.enumValue("floatZero", ScaledPolicies.FloatZero.class))
                    .groupSize(k.integer("groupSize"))
                    .tail(k.enumValue("tail", ScaledPolicies.Tail.class))
                    .build();
            k.done();
            String element = g.string("elementFormat");
            String zeroPoint = g.string("zeroPoint");
            int rows = g.integer("rows");
            int cols = g.integer("cols");
            int blockRows = g.integer("blockRows");
            int blockCols = g.integer("blockCols");
            String dequantized = g.string("dequantized");
            String generator = g.string("generator");
            long seed = seed(g);
            List<ScaledQuantizeTest> tests = tests(g, t -> {
                int tcId = tcId(t);
                String comment = t.string("comment");
                List<String> flags = t.strings("flags");
                String input = t.hex("input");
                Fields e = t.object("expected");
                ScaledQuantizeTest test;
                if (e.node.has("error")) {
                    test = new ScaledQuantizeTest(tcId, comment, flags, input, "", "", "", "",
                            java.util.Optional.of(e.string("error")), t.value("result", Result::byId));
                } else {
                    test = new ScaledQuantizeTest(tcId, comment, flags, input, e.hex("codes"), e.hex("scales"),
                            e.hex("zeros"), e.hex("dequantized"), java.util.Optional.empty(),
                            t.value("result", Result::byId));
                }
                e.done();
                return test;
            });
            ScaledQuantizeGroup group = new ScaledQuantizeGroup(format, profile, source, knobs, rows, cols, blockRows,
                    blockCols, generator, seed, tests);
            if (!group.elementFormat().id().equals(element) || !group.zeroPoint().name().equals(zeroPoint)
                || !dequantized.equals(ScaledQuantizeGroup.DEQUANTIZED)) {
                throw new IllegalArgumentException(g.where() + ": elementFormat, zeroPoint or dequantized disagrees"
                                                   + " with the knobs (expected " + group.elementFormat().id() + ", "
                                                   + group.zeroPoint().name() + ", f32)");
            }
            return group;
        }

        private WeightPackGroup weightPackGroup(Fields g) {
            WeightLayout layout = g.value("layout", WeightLayout::byId);
            int bits = g.integer("bits");
            int rows = g.integer("rows");
            int cols = g.integer("cols");
            int groupSize = g.integer("groupSize");
            int innerKTiles = g.integer("innerKTiles");
            String generator = g.string("generator");
            long seed = seed(g);
            List<WeightPackTest> tests = tests(g, t -> {
                int tcId = tcId(t);
                String comment = t.string("comment");
                List<String> flags = t.strings("flags");
                String codes = t.hex("codes");
                String zeros = t.hex("zeros");
                String fields = t.hex("blockFields");
                Fields e = t.object("expected");
                String qweight = e.hex("qweight");
                String qzeros = e.hex("qzeros");
                e.done();
                return new WeightPackTest(tcId, comment, flags, codes, zeros, fields, qweight, qzeros,
                        t.value("result", Result::byId));
            });
            return new WeightPackGroup(layout, bits, rows, cols, groupSize, innerKTiles, generator, seed, tests);
        }

        private ScalePackGroup scalePackGroup(Fields g) {
            ScaleLayout layout = g.value("layout", ScaleLayout::byId);
            int rows = g.integer("rows");
            int cols = g.integer("cols");
            String pad = g.hex("padByte");
            if (pad.length() != 2) {
                throw new IllegalArgumentException(g.where() + ": padByte must be one byte, got '" + pad + "'");
            }
            String generator = g.string("generator");
            long seed = seed(g);
            List<ScalePackTest> tests = tests(g, t -> new ScalePackTest(tcId(t), t.string("comment"),
                    t.strings("flags"), t.hex("scales"), t.hex("expected"), t.value("result", Result::byId)));
            return new ScalePackGroup(layout, rows, cols, Integer.parseInt(pad, 16), generator, seed, tests);
        }

        private static SourceFormat source(Fields g) {
            SourceFormat source = g.value("source", SourceFormat::byId);
            if (source == SourceFormat.FP64) {
                throw new IllegalArgumentException(g.where() + ": source must be f32, bf16 or f16");
            }
            return source;
        }

        private int tcId(Fields t) {
            int id = t.integer("tcId");
            String before = tcIds.putIfAbsent(id, t.where());
            if (before != null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "duplicate tcId %d: %s and %s", id,
                        before, t.where()));
            }
            return id;
        }

        private <T> List<T> tests(Fields g, Function<Fields, T> parse) {
            JsonNode array = g.array("tests");
            List<T> out = new ArrayList<>(array.size());
            int i = 0;
            for (JsonNode t : array) {
                Fields f = new Fields(g.where() + ".tests[" + i++ + "]", t);
                T test;
                try {
                    test = parse.apply(f);
                } catch (IllegalArgumentException e) {
                    String m = e.getMessage();
                    throw new IllegalArgumentException(m != null && m.startsWith(f.where()) ? m : f.where() + ": " + m);
                }
                f.done();
                out.add(test);
            }
            return out;
        }

        private static ElementKnobs elementKnobs(Fields k) {
            ElementKnobs knobs = new ElementKnobs(k.enumValue("rounding", Rounding.class),
                    k.enumValue("overflow", Overflow.class), k.enumValue("infinity", InfPolicy.class),
                    k.enumValue("nan", NanPolicy.class), k.enumValue("negative", NegativePolicy.class),
                    k.enumValue("e8m0Zero", E8m0ZeroPolicy.class), k.enumValue("e8m0Bottom", E8m0BottomBinade.class),
                    k.enumValue("integerRange", IntegerRange.class));
            k.done();
            return knobs;
        }

        private static BlockKnobs blockKnobs(Fields k) {
            BlockKnobs knobs = new BlockKnobs(k.enumValue("scaleRule", ScaleRule.class),
                    k.value("elementProfile", ElementProfile::byId), k.enumValue("elementRounding", Rounding.class),
                    k.enumValue("nonFinite", NonFinitePolicy.class), k.enumValue("zeroBlock", ZeroBlockScale.class),
                    k.enumValue("tinyAmax", TinyAmaxPolicy.class), k.enumValue("tail", TailPolicy.class),
                    k.enumValue("scaling", ScalingArithmetic.class), k.enumValue("scaleClamp", ScaleClampRange.class),
                    k.enumValue("tensorScale", TensorScaleRule.class));
            k.done();
            return knobs;
        }
    }
}
