package com.clidecoder.hls.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a raw issue (Markdown as GitHub stores it) into word tokens the classifier can learn from.
 * What is thrown away or reduced is what varies without saying anything about the type: HTML comments
 * (template instructions), unanswered template fields, check lists, system-info tables, URLs and
 * numbers. Code blocks and stack traces become marker tokens, because whether an issue carries a stack
 * trace or an error log says more about its type than the frames themselves.
 */
public final class IssueText {
  /** Marker tokens; they cannot collide with real words because real words never start with "zz" and a digit. */
  static final String STACK_TRACE = "zz1stacktrace";
  static final String ERROR_LOG = "zz1errorlog";
  static final String CODE = "zz1code";
  static final String URL = "zz1url";
  static final String IMAGE = "zz1image";
  static final String DETAILS = "zz1details";
  static final String CHECKLIST = "zz1checklist";
  static final String VERSION = "zz1version";
  static final String HEX = "zz1hex";
  static final String NUMBER = "zz1num";
  static final String EMPTY_BODY = "zz1emptybody";

  private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?(-->|\\z)", Pattern.DOTALL);
  private static final Pattern FENCED = Pattern.compile("(?m)^[ \\t]*(```|~~~)[^\\n]*\\n(.*?)(^[ \\t]*\\1[ \\t]*$|\\z)", Pattern.DOTALL);
  private static final Pattern DETAILS_BLOCK = Pattern.compile("(?is)<details>.*?(</details>|\\z)");
  private static final Pattern IMAGE_LINK = Pattern.compile("!\\[[^\\]]*\\]\\([^)]*\\)|<img[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern LINK_TEXT = Pattern.compile("\\[([^\\]]*)\\]\\((https?://[^)]*)\\)");
  private static final Pattern URL_PATTERN = Pattern.compile("https?://\\S+|www\\.\\S+");
  private static final Pattern HTML_TAG = Pattern.compile("</?[a-zA-Z][^>]{0,200}>");
  private static final Pattern NO_RESPONSE = Pattern.compile("(?im)^\\s*_?no response_?\\s*$");
  private static final Pattern CHECK_ITEM = Pattern.compile("(?m)^\\s*[-*]\\s*\\[[ xX]\\].*$");
  private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\s*\\|.*\\|\\s*$");
  private static final Pattern STACK_LINE = Pattern.compile(
      "(?m)^\\s*(at\\s+[\\w$.<>/\\\\:@\\[\\]-]+.*(\\(|:\\d+)|File \".*\", line \\d+|#\\d+\\s+0x[0-9a-fA-F]+|"
          + "Traceback \\(most recent call last\\)|Caused by:|Exception in thread|\\d+\\s+\\S+\\s+0x[0-9a-fA-F]{6,}).*$");
  private static final Pattern ERROR_WORD = Pattern.compile("(?i)\\b(error|exception|fatal|failed|panic|segmentation fault|abort(ed)?)\\b");
  private static final Pattern HEX_WORD = Pattern.compile("\\b(0x[0-9a-fA-F]+|[0-9a-f]{7,40})\\b");
  private static final Pattern VERSION_WORD = Pattern.compile("\\bv?\\d+(\\.\\d+)+([-.+][\\w.]+)?\\b");
  private static final Pattern TOKEN = Pattern.compile("\\p{L}[\\p{L}\\p{N}_'+#]*|\\p{N}+|[?!]");

  private IssueText() {}

  /** Title and body as token lists; the body is cut to {@link FeatureSpec#bodyMaxChars} after cleaning. */
  public record Tokens(List<String> title, List<String> body) {}

  public static Tokens tokens(String title, String body, FeatureSpec spec) {
    // Cleaning a 200 kB log costs ~10 ms; what lies past four times the kept length cannot be kept anyway.
    String raw = body.length() > 4 * spec.bodyMaxChars() ? body.substring(0, 4 * spec.bodyMaxChars()) : body;
    String cleanBody = cleanBody(raw, spec);
    if (cleanBody.length() > spec.bodyMaxChars()) cleanBody = cleanBody.substring(0, spec.bodyMaxChars());
    List<String> bodyTokens = words(cleanBody);
    if (bodyTokens.isEmpty()) bodyTokens.add(EMPTY_BODY);
    return new Tokens(words(cleanInline(title)), bodyTokens);
  }

  /** The body with boilerplate removed and code, traces, links and images replaced by markers. */
  static String cleanBody(String body, FeatureSpec spec) {
    String s = body.replace("\r\n", "\n").replace('\r', '\n');
    if (spec.stripHtmlComments()) s = HTML_COMMENT.matcher(s).replaceAll(" ");
    s = replaceFenced(s);
    if (spec.collapseDetails()) s = DETAILS_BLOCK.matcher(s).replaceAll(" " + DETAILS + " ");
    s = replaceLooseStackTraces(s);
    s = NO_RESPONSE.matcher(s).replaceAll(" ");
    s = CHECK_ITEM.matcher(s).replaceAll(" " + CHECKLIST + " ");
    s = TABLE_ROW.matcher(s).replaceAll(" ");
    return cleanInline(s);
  }

  private static String cleanInline(String text) {
    String s = IMAGE_LINK.matcher(text).replaceAll(" " + IMAGE + " ");
    s = LINK_TEXT.matcher(s).replaceAll("$1 " + URL);
    s = URL_PATTERN.matcher(s).replaceAll(" " + URL + " ");
    s = HTML_TAG.matcher(s).replaceAll(" ");
    s = VERSION_WORD.matcher(s).replaceAll(" " + VERSION + " ");
    return HEX_WORD.matcher(s).replaceAll(" " + HEX + " ");
  }

  /** Fenced code: a stack trace, an error log or plain code, each its own marker. */
  private static String replaceFenced(String s) {
    Matcher m = FENCED.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(" " + codeMarker(m.group(2)) + " \n"));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String codeMarker(String code) {
    Matcher lines = STACK_LINE.matcher(code);
    int stack = 0;
    while (lines.find() && stack < 2) stack++;
    if (stack >= 2) return STACK_TRACE;
    if (ERROR_WORD.matcher(code).find()) return ERROR_LOG;
    return CODE;
  }

  /** Unfenced traces pasted straight into the body: runs of two or more frame lines become one marker. */
  private static String replaceLooseStackTraces(String s) {
    String[] lines = s.split("\n", -1);
    boolean[] frame = new boolean[lines.length];
    for (int i = 0; i < lines.length; i++) frame[i] = STACK_LINE.matcher(lines[i]).matches();
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < lines.length; i++) {
      boolean inRun = frame[i] && (i > 0 && frame[i - 1] || i + 1 < lines.length && frame[i + 1]);
      if (!inRun) out.append(lines[i]).append('\n');
      else if (i == 0 || !frame[i - 1]) out.append(' ').append(STACK_TRACE).append('\n');
    }
    return out.toString();
  }

  /** Lower-cased word tokens; digits become a number marker, '?' and '!' are kept as tokens. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      String t = m.group();
      if (Character.isDigit(t.charAt(0))) t = NUMBER;
      else if (t.endsWith("'")) t = t.substring(0, t.length() - 1);
      if (!t.isEmpty()) out.add(t);
    }
    return out;
  }
}
