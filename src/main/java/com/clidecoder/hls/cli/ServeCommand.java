package com.clidecoder.hls.cli;

import com.clidecoder.hls.app.HlsApp;
import com.clidecoder.hls.app.LogSetup;
import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.domain.AnalysisRecord;
import java.util.List;

/** {@code serve}: runs the service until it is stopped (SIGTERM/SIGINT run the coordinated shutdown). */
final class ServeCommand implements Command {
  /**
   * Exit status when the port is taken (EX_UNAVAILABLE): deploy/hls.service lists it in
   * RestartPreventExitStatus, since restarting does not free a port another process holds.
   */
  static final int PORT_IN_USE = 69;

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "run the service (intake, pipeline, API) in the foreground";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls serve [--config FILE]

        Runs HLS in the foreground until SIGTERM or Ctrl-C. With no --config and no HLS_CONFIG it runs
        on the embedded defaults: 127.0.0.1:8001, database data/webhooks.db, offline analyst, dry-run
        GitHub. Environment overrides: HLS_PORT, HLS_DATABASE, GITHUB_TOKEN, HLS_WEBHOOK_SECRET,
        ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, GITHUB_API_URL, HLS_ADMIN_TOKEN.

        The port is bound and the database locked before anything else; a taken port exits with status
        69 and one line. On SIGTERM the intake keeps answering until the pipeline has drained and
        deliveries have stopped arriving, then the port closes.""";
  }

  @Override
  public int run(List<String> args, Cli cli) throws Exception {
    ConfigLoader.Loaded loaded = cli.loadConfig(args);
    Cli.noMoreArgs(args);
    LogSetup.level(loaded.hls().logging());
    LogSetup.rollingFile(loaded.hls().logging());
    HlsApp app;
    try {
      app = HlsApp.start(loaded, cli.env).toCompletableFuture().get();
    } catch (HlsApp.PortInUse e) {
      cli.err.println("hls serve: " + e.getMessage());
      return PORT_IN_USE;
    }
    com.clidecoder.hls.app.HangupSignal.install(app.reloader()); // systemctl reload hls
    var server = loaded.hls().server();
    cli.out.printf("HLS listening on http://%s:%d%s (database %s, analyst %s, github %s)%n",
        server.host(), app.port(), server.webhookPath(), loaded.hls().database().path(),
        loaded.hls().claude().offline() ? AnalysisRecord.OFFLINE : AnalysisRecord.ANTHROPIC,
        loaded.hls().github().effectiveDryRun() ? "dry-run" : "live");
    cli.out.flush();
    app.system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
