package com.clidecoder.hls.reconcile;

import com.clidecoder.hls.config.HlsConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A webhook whose deliveries the reconciler reads: the GitHub App's own hook ({@code /app/hook}, read with
 * the app JWT), or a repository's or organisation's hook of a personal-token setup.
 *
 * @param path the API path of the hook, e.g. {@code /repos/o/r/hooks/12}
 * @param name how the operator names it in config, e.g. {@code repository o/r hook 12}
 */
public record HookTarget(String path, String name) {
  public static final HookTarget APP = new HookTarget("/app/hook", "the GitHub App's hook");

  /** The hooks of {@code config}: the app's own hook when an app is configured, then the listed ones. */
  public static List<HookTarget> of(HlsConfig config) {
    List<HookTarget> out = new ArrayList<>();
    if (config.github().app().isPresent()) out.add(APP);
    for (HlsConfig.Hook h : config.reconcile().hooks()) {
      out.add(h.repository()
          .map(r -> new HookTarget("/repos/" + r + "/hooks/" + h.id(), "repository " + r + " hook " + h.id()))
          .orElseGet(() -> new HookTarget("/orgs/" + h.org().orElseThrow() + "/hooks/" + h.id(),
              "organisation " + h.org().orElseThrow() + " hook " + h.id())));
    }
    return List.copyOf(out);
  }
}
