// `helm dependency update`, `helm lint --strict` and `helm template` for every CareDispatch service chart,
// through helm-java (Helm 3 as a native library from Maven Central) so no `helm` binary is needed.
// Run by deploy/helm/lint.sh:  java -cp "<libs>/*" HelmCheck.java <charts-copy-dir> <rendered-output-dir>
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

public class HelmCheck {
  private static final List<String> SERVICES =
      List.of("ehr-gateway", "scheduling", "messaging", "dispatch-optimizer", "waitlist", "audit-log");

  public static void main(String[] args) throws Exception {
    Path charts = Path.of(args[0]);
    Path rendered = Path.of(args[1]);
    Files.createDirectories(rendered);
    int failures = 0;

    LintResult common = new Helm(charts.resolve("caredispatch-common")).lint().strict().call();
    failures += report("caredispatch-common", common);

    for (String service : SERVICES) {
      Helm chart = new Helm(charts.resolve(service));
      chart.dependency().update().call();
      failures += report(service, chart.lint().strict().call());
      String manifest = chart.template().withName(service).withNamespace("caredispatch").call();
      Files.writeString(rendered.resolve(service + ".yaml"), manifest);
      System.out.printf("template %-20s %d documents%n", service, manifest.split("(?m)^---$").length - 1);
    }
    // audit-log with its retention guard Job on (lint.sh makes the copy): lint renders hook
    // templates, helm-java's template does not print them.
    Path guarded = charts.resolve("audit-log-retention-guard");
    if (Files.isDirectory(guarded)) {
      Helm chart = new Helm(guarded);
      chart.dependency().update().call();
      failures += report("audit-log-retention-guard", chart.lint().strict().call());
    }
    if (failures > 0) {
      System.err.printf("%d chart(s) failed helm lint --strict%n", failures);
      System.exit(1);
    }
  }

  private static int report(String name, LintResult result) {
    System.out.printf("lint     %-20s %s%n", name, result.isFailed() ? "FAILED" : "ok");
    for (String message : result.getMessages()) {
      System.out.println("    " + message);
    }
    return result.isFailed() ? 1 : 0;
  }
}
