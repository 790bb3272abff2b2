package dev.reranker.support;

import java.time.Duration;
import java.util.Map;

import dev.reranker.config.RerankerConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;

/**
 * RerankerConfig as the application maps and validates it, fed from a made-up environment instead of the real one.
 */
public final class Configs {

    private Configs() {
    }

    public static RerankerConfig fromEnvironment(Map<String, String> environment) {
        // Quarkus's converter reads durations like "5s", as in the application.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(RerankerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                // Not the JVM's system properties: @QuarkusTest profiles that ran before may have left theirs there.
                .withSources(new EnvConfigSource(environment, 300),
                        new PropertiesConfigSource(Map.of("user.home", System.getProperty("user.home")), "jvm", 100))
                .withValidator(new BeanValidationConfigValidatorImpl()).addDefaultInterceptors().build();
        return config.getConfigMapping(RerankerConfig.class);
    }
}
