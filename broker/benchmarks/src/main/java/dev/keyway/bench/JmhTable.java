package dev.keyway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JMH's JSON results as one Markdown table: per benchmark and parameters, the median of all
 * measured iterations with their min–max, and the allocation per operation when {@code -prof gc}
 * ran. Medians rather than JMH's mean ± CI: on a shared machine one slow iteration should not move
 * the figure.
 *
 * <pre>java -cp broker/benchmarks/target/benchmarks.jar dev.keyway.bench.JmhTable results.json</pre>
 */
public final class JmhTable {

    private JmhTable() {
    }

    public static void main(String[] args) throws IOException {
        System.out.print(markdown(new ObjectMapper().readTree(Path.of(args[0]).toFile())));
    }

    static String markdown(JsonNode results) {
        StringBuilder out = new StringBuilder("| benchmark | parameters | median | min – max | unit | alloc B/op |\n"
                + "| --- | --- | ---: | ---: | --- | ---: |\n");
        for (JsonNode result : results) {
            String benchmark = result.get("benchmark").asText();
            benchmark = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            List<String> params = new ArrayList<>();
            JsonNode p = result.get("params");
            if (p != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    params.add(e.getKey() + "=" + e.getValue().asText());
                }
            }
            JsonNode primary = result.get("primaryMetric");
            List<Double> values = new ArrayList<>();
            for (JsonNode fork : primary.get("rawData")) {
                for (JsonNode v : fork) {
                    values.add(v.asDouble());
                }
            }
            Collections.sort(values);
            double median = values.size() % 2 == 1 ? values.get(values.size() / 2)
                    : (values.get(values.size() / 2 - 1) + values.get(values.size() / 2)) / 2;
            JsonNode alloc = result.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s – %s | %s | %s |%n", benchmark,
                    params.isEmpty() ? "" : "`" + String.join(", ", params).replace("|", "\\|") + "`", number(median),
                    number(values.get(0)), number(values.get(values.size() - 1)), primary.get("scoreUnit").asText(),
                    alloc.isMissingNode() ? "" : String.format(Locale.ROOT, "%,.0f", alloc.asDouble())));
        }
        return out.toString();
    }

    private static String number(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }
}
