package dev.reranker.api;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

/**
 * The methods each route takes, read from the resources' own JAX-RS annotations, for the {@code Allow} header a 405
 * must carry (RFC 9110, 15.5.6). Quarkus REST refuses the method but sends no {@code Allow}; its OPTIONS answer lists
 * them, and so does this: the declared methods, HEAD wherever GET is, and OPTIONS.
 */
final class AllowedMethods {

    /** Every resource class of the public and admin API. */
    static final List<Class<?>> RESOURCES = List.of(TeiRerankResource.class, CohereRerankResource.class,
            CohereRerankResource.V2.class, InfoResource.class, TeiHealthResource.class, AdminResource.class);

    private static final Map<String, String> BY_PATH = read(RESOURCES);

    private AllowedMethods() {
    }

    /** The {@code Allow} value for {@code path}, or null when no resource serves it. */
    static String of(String path) {
        if (path == null) {
            return null;
        }
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return BY_PATH.get(trimmed);
    }

    static Map<String, String> read(List<Class<?>> resources) {
        Map<String, Set<String>> methods = new LinkedHashMap<>();
        for (Class<?> resource : resources) {
            Path base = resource.getAnnotation(Path.class);
            if (base == null) {
                continue;
            }
            for (Method method : resource.getMethods()) {
                String verb = verb(method);
                if (verb == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                String path = join(base.value(), sub == null ? "" : sub.value());
                Set<String> allowed = methods.computeIfAbsent(path, p -> new TreeSet<>());
                allowed.add(verb);
                if (verb.equals("GET")) {
                    allowed.add("HEAD");
                }
                allowed.add("OPTIONS");
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        methods.forEach((path, allowed) -> out.put(path, String.join(", ", allowed)));
        return Map.copyOf(out);
    }

    private static String verb(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String join(String base, String sub) {
        String path = "/" + strip(base) + (sub.isEmpty() ? "" : "/" + strip(sub));
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String strip(String segment) {
        String s = segment;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
