package org.lowbit.vectors.lint;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Validates a vector file against {@code lowbit-vectors-v1.schema.json} (JSON Schema draft 2020-12) with
 * networknt's json-schema-validator. Thread-safe.
 */
public final class SchemaValidator {
    /** The schema's classpath resource. */
    public static final String RESOURCE = "/org/lowbit/vectors/lowbit-vectors-v1.schema.json";

    static {
        // networknt logs through SLF4J; without a provider SLF4J prints a three-line warning to stderr. Pick its
        // built-in no-op provider, quietly, unless the caller chose one.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    private final Schema schema;

    private SchemaValidator(Schema schema) {
        this.schema = schema;
    }

    /** The validator for the v1 schema. */
    public static SchemaValidator v1() {
        return new SchemaValidator(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(schemaText(), InputFormat.JSON));
    }

    /** The schema's text. */
    public static String schemaText() {
        try (InputStream in = SchemaValidator.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the JSON Schema " + RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema violations of a file's text, each as "location: message"; empty when it is valid. */
    public List<String> validate(String json) {
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }
}
