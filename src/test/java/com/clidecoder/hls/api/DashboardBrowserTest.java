package com.clidecoder.hls.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.RunningService;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's headless chromium driven through chromedriver against a
 * running service with seeded rows. Skipped (with a message) where chromium is not installed; CI
 * installs it (.ci/run).
 */
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void pageShowsSeededEventsWithoutConsoleErrorsAndItsRetryButtonRequeues(@TempDir Path dir) throws Exception {
    assumeBrowser();
    try (RunningService svc = new RunningService(dir.resolve("service"), "")) {
      Instant t = Instant.now().minus(Duration.ofHours(1));
      long done = svc.seed.heldIssue("octo/web", 12, "Dark mode toggle resets", t);
      svc.seed.analysis(done, "The dark mode setting is not persisted", "[\"bug\",\"ui\"]",
          "Thanks for the report! <script>alert(1)</script>", 0.0312, t);
      svc.seed.action(done, "comment", "octo/web#12", "{\"body\":\"Thanks for the report!\"}", "done", t);
      svc.seed.completed(done, t.plusSeconds(5));
      long failed = svc.seed.heldIssue("octo/api", 4, "Timeout", t);
      svc.seed.failed(failed, "claude: 529 overloaded after 5 attempts", t);
      svc.seed.dailyCost(Instant.now(), 1, 0.0312);

      WebDriver browser = chromium(dir.resolve("profile"));
      try {
        browser.get(svc.url() + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));

        String recent = browser.findElement(By.id("recent")).getText();
        assertTrue(recent.contains("octo/web"), recent + " banner: " + browser.findElement(By.id("banner")).getText()
            + " console: " + browser.manage().logs().get(LogType.BROWSER).getAll());
        assertTrue(recent.contains("The dark mode setting is not persisted"), recent);
        assertTrue(recent.contains("bug") && recent.contains("ui"), recent);
        String failedTable = browser.findElement(By.id("failed")).getText();
        assertTrue(failedTable.contains("claude: 529 overloaded after 5 attempts"), failedTable);
        assertEquals("1", browser.findElement(By.cssSelector(".tile.failed .n")).getText());
        assertTrue(browser.findElement(By.id("health")).getText().contains("status: ok"));
        assertTrue(!browser.findElements(By.cssSelector("#chart canvas")).isEmpty(), "uPlot drew the 30-day chart");

        // The analysis comment is shown as text: markup from a model or a payload is never run.
        browser.findElement(By.cssSelector("#recent tr[data-id='" + done + "'] button")).click();
        WebElement detail = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("detail-" + done)));
        wait.until(ExpectedConditions.textToBePresentInElement(detail, "<script>alert(1)</script>"));
        assertTrue(detail.getText().contains("comment on octo/web#12: done"), detail.getText());

        screenshot(browser);
        browser.findElement(By.cssSelector("#failed button.retry[data-id='" + failed + "']")).click();
        // Requeued and woken: the pipeline takes it at once, so it is simply no longer failed.
        wait.until(d -> !new EventStore(svc.db).statusOf(failed).equals(Optional.of(EventStatus.FAILED)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("failed"), "no failed events"));

        assertNoConsoleErrors(browser);
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * Issue 11.6: the header names version, uptime and modes; each row links its issue on GitHub and says
   * what was decided (planned in dry run, or abstained); the status and repository filters and the
   * pages walk the list, from events the embedded defaults really analysed.
   */
  @Test
  void pageShowsModesDecisionsAndLinksAndFiltersAndPagesTheList(@TempDir Path dir) throws Exception {
    assumeBrowser();
    String hocon = """
        hls.workers.poll-interval = 200ms
        hls.repositories = [
          { name = "octo-org/app", labels { auto-apply = true, allowed = [bug] } }
          { name = "*" }
        ]""";
    try (RunningService svc = new RunningService(dir.resolve("service"), hocon)) {
      Instant t = Instant.now().minus(Duration.ofHours(2));
      for (int n = 1; n <= 27; n++) svc.seed.completed(svc.seed.heldIssue("octo/bulk", n, "Bulk " + n, t), t);
      long crash = svc.deliverIssue("crash-1", "octo-org/app", 41, "App crashes with NullPointerException on startup",
          "Since 2.3.0 the app crashes right after launch: java.lang.NullPointerException at Main.start(Main.java:42).");
      long typo = svc.deliverIssue("typo-1", "octo-org/docs-site", 57, "Spelling error in the README",
          "The second paragraph says \"recieve\" instead of \"receive\".");
      svc.awaitCompleted(crash);
      svc.awaitCompleted(typo);

      WebDriver browser = chromium(dir.resolve("profile"));
      try {
        browser.get(svc.url() + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));

        String info = browser.findElement(By.id("info")).getText();
        assertTrue(info.contains("version " + com.clidecoder.hls.app.Version.current()) && info.contains(" up ")
            && info.contains("GitHub: dry-run") && info.contains("analyst: offline"), info);

        WebElement crashRow = browser.findElement(By.cssSelector("#recent tr[data-id='" + crash + "']"));
        WebElement planned = crashRow.findElement(By.cssSelector("span.decision"));
        assertEquals("planned", planned.getAttribute("data-outcome"));
        assertTrue(planned.getText().contains("labels bug") && planned.getText().contains("(dry run)"), planned.getText());
        WebElement link = crashRow.findElement(By.cssSelector("td.subject a"));
        assertEquals("https://github.com/octo-org/app/issues/41", link.getAttribute("href"));
        assertEquals("#41", link.getText());
        assertTrue(crashRow.getText().contains("App crashes with NullPointerException"), crashRow.getText());
        WebElement abstained = browser.findElement(By.cssSelector("#recent tr[data-id='" + typo + "'] span.decision"));
        assertEquals("abstained", abstained.getAttribute("data-outcome"));
        assertTrue(abstained.getText().contains("no label, no comment"), abstained.getText());

        assertEquals(25, rows(browser), "the first page is full");
        browser.findElement(By.id("page-older")).click();
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "page 2"));
        wait.until(d -> rows(d) == 4);
        assertTrue(browser.findElement(By.id("page-older")).getAttribute("disabled") != null, "no page after the last");
        browser.findElement(By.id("page-newer")).click();
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "page 1"));
        wait.until(d -> rows(d) == 25);

        browser.findElement(By.id("filter-repo")).sendKeys("octo-org/docs-site");
        browser.findElement(By.id("filter-apply")).click();
        wait.until(d -> rows(d) == 1);
        assertEquals(1, browser.findElements(By.cssSelector("#recent tr[data-id='" + typo + "']")).size());
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-status"))).selectByVisibleText("failed");
        browser.findElement(By.id("filter-apply")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("recent"), "no events match"));

        assertNoConsoleErrors(browser);
      } finally {
        browser.quit();
      }
    }
  }

  private static void assumeBrowser() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver): skipping the browser test");
  }

  private static void assertNoConsoleErrors(WebDriver browser) {
    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        .toList();
    assertEquals(List.of(), errors.stream().map(LogEntry::getMessage).toList(), "browser console errors");
  }

  /** Event rows shown in the recent table (not detail rows, not the "no events match" row). */
  private static int rows(WebDriver browser) {
    return browser.findElements(By.cssSelector("#recent tbody tr[data-id]")).size();
  }

  private static WebDriver chromium(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }

  /** Kept in target/ for a person to look at; not asserted on. */
  private static void screenshot(WebDriver browser) throws Exception {
    File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of(System.getProperty("hls.project.dir", "."), "target", "dashboard.png");
    Files.createDirectories(target.getParent());
    Files.copy(png.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
