package dev.reranker.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.reranker.config.RerankerConfig;

/**
 * docs/configuration.md is the reference users read: every setting of {@link RerankerConfig} (found by reflection,
 * nothing listed by hand) has one row there, with its environment variable and its default exactly as the code has
 * them, and no row names a setting that does not exist. A new setting fails this test until its row is written;
 * the failure prints the row to start from.
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("docs/configuration.md");

    /** One table row: | `reranker.x` | `RERANKER_X` | default | meaning |. */
    private record Row(String property, String env, String defaultCell, String line) {
    }

    private static Map<String, Row> rows() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOC)) {
            if (!line.startsWith("| `reranker.")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            assertTrue(cells.length >= 6, "a settings row has four cells: " + line);
            String property = unquote(cells[1]);
            Row previous = rows.put(property, new Row(property, unquote(cells[2]), cells[3].trim(), line));
            assertTrue(previous == null, property + " has two rows in " + DOC);
        }
        return rows;
    }

    private static String unquote(String cell) {
        String c = cell.trim();
        return c.startsWith("`") && c.endsWith("`") && c.length() > 1 ? c.substring(1, c.length() - 1) : c;
    }

    @Test
    void everySettingHasARowWithItsEnvironmentVariableAndDefault() throws IOException {
        Map<String, Row> rows = rows();
        ConfigNames names = ConfigNames.of(RerankerConfig.class);
        List<String> problems = new ArrayList<>();
        for (String property : names.properties().keySet()) {
            Optional<String> expectedDefault = names.defaultOf(property);
            Row row = rows.get(property);
            String env = ConfigNames.envName(property);
            if (row == null) {
                problems.add("no row for " + property + "; add one:\n    | `" + property + "` | `" + env + "` | "
                        + expectedDefault.map(d -> "`" + d + "`").orElse("— (what unset means)")
                        + " | what it does |");
                continue;
            }
            if (!row.env().equals(env)) {
                problems.add(property + ": environment variable is `" + env + "`, the row says `" + row.env() + "`");
            }
            if (expectedDefault.isPresent()) {
                if (!row.defaultCell().startsWith("`" + expectedDefault.get() + "`")) {
                    problems.add(property + ": the default is `" + expectedDefault.get() + "`, the row says "
                            + row.defaultCell());
                }
            } else if (!row.defaultCell().startsWith("—")) {
                problems.add(property + " has no default: its row's default cell starts with — (and may say what"
                        + " unset means), not " + row.defaultCell());
            }
        }
        for (String documented : rows.keySet()) {
            if (!names.properties().containsKey(documented)) {
                problems.add(documented + " is documented but is not a setting of RerankerConfig");
            }
        }
        assertTrue(problems.isEmpty(), DOC + " disagrees with RerankerConfig:\n" + String.join("\n", problems));
    }
}
