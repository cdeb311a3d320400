package com.clidecoder.hls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.cli.CliHarness.Run;
import com.clidecoder.hls.testkit.TestConfigs;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hls-alert-mail}, the notifier that {@code hls-monitor.service}'s OnFailure= runs, run with
 * bash the way systemd runs it. systemctl, journalctl and sendmail are stand-ins on PATH that record
 * what they were asked; what the journal "holds" is the real output of a failing {@code bin/hls monitor}.
 */
class AlertMailScriptTest {
  private static final Path SCRIPT =
      Path.of(System.getProperty("hls.project.dir", ".")).resolve("bin/hls-alert-mail").toAbsolutePath();

  @TempDir Path dir;
  private Path fakes;
  private String monitorOutput;

  @BeforeEach
  void fakes() throws Exception {
    fakes = Files.createDirectories(dir.resolve("fakes"));
    // The real monitor against a port nothing listens on: "service down", exit 1.
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String config = TestConfigs.load(dir, "").hls().sourceFile().orElseThrow().toString();
    Run monitor = CliHarness.run(Map.of("HLS_URL", "http://127.0.0.1:" + closed), "monitor", "--config", config);
    assertEquals(1, monitor.exit(), monitor.out());
    monitorOutput = monitor.out();
    Files.writeString(dir.resolve("journal.txt"), monitorOutput);
    fake("systemctl", "echo \"$*\" >> '" + dir.resolve("systemctl.args") + "'\n"
        + "[ -f '" + dir.resolve("no-invocation") + "' ] || echo 0123abcd\n");
    fake("journalctl", "echo \"$*\" >> '" + dir.resolve("journalctl.args") + "'\ncat '" + dir.resolve("journal.txt") + "'\n");
    fake("sendmail", "echo \"$*\" > '" + dir.resolve("sendmail.args") + "'\ncat > '" + dir.resolve("mail.txt") + "'\n"
        + "[ -f '" + dir.resolve("mail-down") + "' ] && { echo 'sendmail: cannot connect to relay' >&2; exit 75; }\nexit 0\n");
  }

  private void fake(String name, String body) throws Exception {
    Path f = fakes.resolve(name);
    Files.writeString(f, "#!/usr/bin/env bash\n" + body);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Run mail(Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> e = pb.environment();
    e.remove("HLS_ALERT_MAIL_TO");
    e.put("PATH", fakes + ":" + e.get("PATH"));
    e.put("HLS_SENDMAIL", "sendmail");
    e.putAll(env);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "script finished");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void mailsTheMonitorsLastRunWithItsFirstReasonAsTheSubject() throws Exception {
    Run r = mail(Map.of("HLS_ALERT_MAIL_TO", "ops@example.com"), "hls-monitor.service");
    assertEquals(0, r.exit(), r.err());
    assertEquals("show --property=InvocationID --value hls-monitor.service",
        Files.readString(dir.resolve("systemctl.args")).strip());
    assertEquals("--no-pager --output=cat _SYSTEMD_INVOCATION_ID=0123abcd",
        Files.readString(dir.resolve("journalctl.args")).strip(), "only the last run's lines");
    assertEquals("-t -oi", Files.readString(dir.resolve("sendmail.args")).strip());
    String mail = Files.readString(dir.resolve("mail.txt"));
    String firstAlert = monitorOutput.lines().filter(l -> l.startsWith("ALERT: ")).findFirst().orElseThrow();
    List<String> headers = mail.substring(0, mail.indexOf("\n\n")).lines().toList();
    assertTrue(headers.contains("To: ops@example.com"), mail);
    assertTrue(headers.stream().anyMatch(h -> h.matches("Subject: \\[HLS .+] " + java.util.regex.Pattern.quote(
        firstAlert.substring(7, Math.min(firstAlert.length(), 157))))), mail);
    assertTrue(headers.stream().anyMatch(h -> h.startsWith("From: hls@")), mail);
    assertTrue(mail.contains("hls-monitor.service failed on "), mail);
    assertTrue(mail.contains(monitorOutput.strip()), "the monitor's whole output is the body:\n" + mail);
  }

  @Test
  void withoutAnInvocationIdTheUnitsRecentLinesAreMailed() throws Exception {
    Files.writeString(dir.resolve("no-invocation"), "");
    Run r = mail(Map.of("HLS_ALERT_MAIL_TO", "ops@example.com", "HLS_ALERT_MAIL_FROM", "hls-alerts@box"), "hls-monitor.service");
    assertEquals(0, r.exit(), r.err());
    assertEquals("--no-pager --output=cat --unit=hls-monitor.service --lines=40",
        Files.readString(dir.resolve("journalctl.args")).strip());
    assertTrue(Files.readString(dir.resolve("mail.txt")).contains("From: hls-alerts@box\n"));
  }

  @Test
  void unconfiguredOrUndeliverableIsAFailureThatSaysWhy() throws Exception {
    Run unset = mail(Map.of(), "hls-monitor.service");
    assertEquals(2, unset.exit());
    assertTrue(unset.err().contains("HLS_ALERT_MAIL_TO is not set"), unset.err());
    assertFalse(Files.exists(dir.resolve("mail.txt")), "nothing is sent");

    Run noUnit = mail(Map.of("HLS_ALERT_MAIL_TO", "ops@example.com"));
    assertEquals(2, noUnit.exit());
    assertTrue(noUnit.err().startsWith("usage: hls-alert-mail UNIT"), noUnit.err());

    Map<String, String> noMta = new HashMap<>(Map.of("HLS_ALERT_MAIL_TO", "ops@example.com"));
    noMta.put("HLS_SENDMAIL", dir.resolve("missing/sendmail").toString());
    Run missing = mail(noMta, "hls-monitor.service");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("install a mail transfer agent"), missing.err());

    Files.writeString(dir.resolve("mail-down"), "");
    Run down = mail(Map.of("HLS_ALERT_MAIL_TO", "ops@example.com"), "hls-monitor.service");
    assertEquals(75, down.exit(), "the sendmail's status is the unit's, so systemctl --failed shows it");
    assertTrue(down.err().contains("cannot connect to relay"), down.err());
  }
}
