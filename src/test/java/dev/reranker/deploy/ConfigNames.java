package dev.reranker.deploy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every property a {@link ConfigMapping} interface defines, found the way SmallRye Config names them: method names
 * in kebab-case unless {@link WithName} says otherwise, nested interfaces as groups. Nothing is listed by hand, so
 * a renamed or removed setting shows up in {@link DeploymentManifestsTest} at once.
 */
final class ConfigNames {

    private static final Pattern EXPRESSION_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    /** Property name to its default ({@code null} when it has none). */
    private final Map<String, String> defaults = new TreeMap<>();

    private ConfigNames() {
    }

    static ConfigNames of(Class<?> mapping) {
        ConfigNames names = new ConfigNames();
        names.walk(mapping, mapping.getAnnotation(ConfigMapping.class).prefix());
        return names;
    }

    private void walk(Class<?> group, String prefix) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() > 0 || Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            Class<?> type = method.getReturnType();
            if (type.isInterface() && !type.getName().startsWith("java.")) { // a group such as RerankerConfig.Batch
                walk(type, name);
                continue;
            }
            WithDefault withDefault = method.getAnnotation(WithDefault.class);
            defaults.put(name, withDefault == null ? null : withDefault.value());
        }
    }

    static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The environment variable for a property, as SmallRye Config's EnvConfigSource matches it. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    Map<String, String> properties() {
        return defaults;
    }

    /** Property for an environment variable name, if the mapping has one. */
    Optional<String> propertyForEnv(String env) {
        return defaults.keySet().stream().filter(p -> envName(p).equals(env)).findFirst();
    }

    Optional<String> defaultOf(String property) {
        if (!defaults.containsKey(property)) {
            throw new IllegalArgumentException(property + " is not a setting of the mapping");
        }
        return Optional.ofNullable(defaults.get(property));
    }

    /** Environment variables the defaults read through expressions, e.g. HF_HUB_CACHE in ${HF_HUB_CACHE:...}. */
    java.util.Set<String> variablesReadByDefaults() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String value : defaults.values()) {
            if (value == null) {
                continue;
            }
            Matcher m = EXPRESSION_VARIABLE.matcher(value);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
