package com.clidecoder.hls.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reading the maps and lists SnakeYAML loads: keys as strings, a missing section as empty. */
final class YamlTree {
  private YamlTree() {}

  static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  /** The mapping under key, empty when absent; a non-mapping value is kept under "" so it is reported. */
  static Map<String, Object> section(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    if (v instanceof Map<?, ?> m) return stringKeys(m);
    if (v == null) return Map.of();
    Map<String, Object> odd = new LinkedHashMap<>();
    odd.put("(value)", v);
    return odd;
  }

  /** One line of YAML-ish text for a comment. */
  static String render(Object v) {
    if (v instanceof Map<?, ?> m) {
      return m.entrySet().stream().map(e -> e.getKey() + ": " + render(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
    }
    if (v instanceof List<?> l) return l.stream().map(YamlTree::render).collect(Collectors.joining(", ", "[", "]"));
    if (v instanceof String s) return HoconWriter.quote(s);
    return String.valueOf(v).replace('\n', ' ');
  }
}
