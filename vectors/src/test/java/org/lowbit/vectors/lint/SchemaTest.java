package org.lowbit.vectors.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockPolicies;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleRule;
import org.lowbit.spec.SpecialPolicies;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.TestSets;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorJsonWriter;

/** The JSON Schema agrees with the Java data it describes, and networknt applies it. */
class SchemaTest {

    private static final JsonNode SCHEMA;

    static {
        try {
            SCHEMA = new ObjectMapper().readTree(SchemaValidator.schemaText());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static TreeSet<String> enumAt(String pointer) {
        TreeSet<String> out = new TreeSet<>();
        JsonNode n = SCHEMA.at(pointer);
        assertTrue(n.isArray(), pointer + " is an enum");
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static <T> TreeSet<String> ids(T[] values, Function<T, String> id) {
        return new TreeSet<>(Arrays.stream(values).map(id).toList());
    }

    @Test
    @DisplayName("the schema's enums are the Java enums: flags, formats, profiles, layouts, knob values")
    void enumsMatchJava() {
        assertEquals("https://lowbit.dev/schemas/lowbit-vectors-v1.json", SCHEMA.get("$id").asText());
        assertEquals(VectorFile.SCHEMA, SCHEMA.at("/properties/schema/const").asText());
        assertEquals(ids(Flag.values(), Flag::name), enumAt("/$defs/flag/enum"));
        assertEquals(ids(Flag.BugType.values(), Enum::name), enumAt("/$defs/note/properties/bugType/enum"));
        assertEquals(ids(ElementFormat.values(), ElementFormat::id), enumAt("/$defs/elementFormat/enum"));
        assertEquals(ids(BlockFormat.values(), BlockFormat::id), enumAt("/$defs/blockFormat/enum"));
        assertEquals(ids(ElementProfile.values(), ElementProfile::id), enumAt("/$defs/elementProfile/enum"));
        assertEquals(ids(BlockProfile.values(), BlockProfile::id), enumAt("/$defs/blockProfile/enum"));
        assertEquals(ids(ElementLayout.values(), ElementLayout::id), enumAt("/$defs/packGroup/properties/layout/enum"));
        assertEquals(ids(org.lowbit.spec.WeightLayout.values(), org.lowbit.spec.WeightLayout::id),
                enumAt("/$defs/weightPackGroup/properties/layout/enum"));
        assertEquals(ids(java.util.Arrays.stream(org.lowbit.spec.ScaleLayout.values())
                        .filter(l -> l != org.lowbit.spec.ScaleLayout.ROW_MAJOR)
                        .toArray(org.lowbit.spec.ScaleLayout[]::new), org.lowbit.spec.ScaleLayout::id),
                enumAt("/$defs/scalePackGroup/properties/layout/enum"));
        assertEquals(ids(org.lowbit.spec.ScaledFormat.values(), org.lowbit.spec.ScaledFormat::id),
                enumAt("/$defs/scaledFormat/enum"));
        assertEquals(ids(org.lowbit.spec.ScaledProfile.values(), org.lowbit.spec.ScaledProfile::id),
                enumAt("/$defs/scaledProfile/enum"));
        assertEquals(ids(org.lowbit.spec.ScaledPolicies.ZeroPoint.values(), Enum::name),
                enumAt("/$defs/scaledQuantizeGroup/properties/zeroPoint/enum"));
        assertEquals(ids(org.lowbit.spec.ScaledPolicies.Precision.values(), Enum::name),
                enumAt("/$defs/scaledQuantizeGroup/properties/knobs/properties/scaleDtype/enum"));
        String ek = "/$defs/elementKnobs/properties/";
        assertEquals(ids(Rounding.values(), Enum::name), enumAt(ek + "rounding/enum"));
        assertEquals(ids(Overflow.values(), Enum::name), enumAt(ek + "overflow/enum"));
        assertEquals(ids(SpecialPolicies.InfPolicy.values(), Enum::name), enumAt(ek + "infinity/enum"));
        assertEquals(ids(SpecialPolicies.NanPolicy.values(), Enum::name), enumAt(ek + "nan/enum"));
        assertEquals(ids(SpecialPolicies.NegativePolicy.values(), Enum::name), enumAt(ek + "negative/enum"));
        assertEquals(ids(SpecialPolicies.E8m0ZeroPolicy.values(), Enum::name), enumAt(ek + "e8m0Zero/enum"));
        assertEquals(ids(SpecialPolicies.E8m0BottomBinade.values(), Enum::name), enumAt(ek + "e8m0Bottom/enum"));
        assertEquals(ids(SpecialPolicies.IntegerRange.values(), Enum::name), enumAt(ek + "integerRange/enum"));
        String bk = "/$defs/blockKnobs/properties/";
        assertEquals(ids(ScaleRule.values(), Enum::name), enumAt(bk + "scaleRule/enum"));
        assertEquals(ids(BlockPolicies.NonFinitePolicy.values(), Enum::name), enumAt(bk + "nonFinite/enum"));
        assertEquals(ids(BlockPolicies.ZeroBlockScale.values(), Enum::name), enumAt(bk + "zeroBlock/enum"));
        assertEquals(ids(BlockPolicies.TinyAmaxPolicy.values(), Enum::name), enumAt(bk + "tinyAmax/enum"));
        assertEquals(ids(BlockPolicies.TailPolicy.values(), Enum::name), enumAt(bk + "tail/enum"));
        assertEquals(ids(BlockPolicies.ScalingArithmetic.values(), Enum::name), enumAt(bk + "scaling/enum"));
        assertEquals(ids(BlockPolicies.ScaleClampRange.values(), Enum::name), enumAt(bk + "scaleClamp/enum"));
        assertEquals(ids(BlockPolicies.TensorScaleRule.values(), Enum::name), enumAt(bk + "tensorScale/enum"));
    }

    @Test
    @DisplayName("every generated file of each operation is valid; each kind of damage is a violation")
    void validatesAndRejects() {
        SchemaValidator v = SchemaValidator.v1();
        List<String> texts = new ArrayList<>();
        for (String path : List.of("decode/decode_fp4_e2m1.json", "encode/encode_fp8_e4m3_ocp.json",
                "quantize/quantize_mxfp4_torchao-floor.json", "pack/pack_fp6-4in3_fp6_e2m3.json")) {
            texts.add(VectorJsonWriter.write(TestSets.small().getOrDefault(path, TestSets.small().get(
                    "pack/pack_nibble-low-first_fp4_e2m1.json"))));
        }
        for (String t : texts) {
            assertEquals(List.of(), v.validate(t));
        }
        String encode = texts.get(1);
        Stream.of(encode.replace("\"level\": \"1\",", "\"level\": \"1\", \"extra\": 1,"),
                  encode.replace("\"schema\": \"lowbit-vectors-v1\"", "\"schema\": \"lowbit-vectors-v2\""),
                  encode.replace("\"input\": \"00000000\"", "\"input\": \"0000\""),
                  encode.replace("\"result\": \"valid\"", "\"result\": \"ok\""),
                  encode.replace("\"type\": \"encode\"", "\"type\": \"decode\""),
                  encode.replace(", \"flags\": [\"BASIC\", \"SIGNED_ZERO\"]", ""))
              .forEach(bad -> assertFalse(v.validate(bad).isEmpty(), "a violation"));
    }
}
