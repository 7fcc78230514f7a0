package org.lowbit.conformance.suite;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Gives the suite's test factories their {@link RunContext}, found by the run id in the configuration. */
public final class RunContextResolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == RunContext.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return RunContext.get(extension.getConfigurationParameter(RunContext.RUN_ID).orElse(null));
    }
}
