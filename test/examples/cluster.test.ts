/**
 * The cluster examples: the Kubernetes manifest parses as YAML and has what an Indexed Job and
 * its merge need; the commands of both examples, run here shard by shard as the cluster would
 * run them, merge into the same bytes as one unsharded sweep. (scripts/slurm-smoke.sh runs the
 * Slurm example on a real Slurm.)
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { CLI, ROOT, runCli } from "../helpers/cli.js";

type Obj = Record<string, unknown>;
interface Container {
  name: string;
  image: string;
  command: string[];
  env: { name: string; value: string }[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  restartPolicy: string;
  containers: Container[];
  volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
}

const manifestPath = join(ROOT, "examples", "kubernetes", "sweep-indexed-job.yaml");
const docs = parseAllDocuments(readFileSync(manifestPath, "utf8"));
const objects = docs.map((d) => d.toJS() as Obj);
const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
const jobs = byKind("Job") as { metadata: { name: string }; spec: Obj & { template: { spec: PodSpec } } }[];
const indexed = jobs.find((j) => j.spec.completionMode === "Indexed");
const merge = jobs.find((j) => j.spec.completionMode === undefined);
const envOf = (c: Container): Record<string, string> =>
  Object.fromEntries(c.env.map((e) => [e.name, e.value]));

/** A folder with a `laserscan` command that runs the built CLI, for PATH. */
function shimDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-shim-"));
  const shim = join(dir, "laserscan");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

function unsharded(plan: string, vary: string, csv: string): string {
  const args = ["sweep", plan, ...vary.split(" ").flatMap((v) => ["--vary", v]), "--csv", csv, "--json"];
  const r = runCli(args);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return readFileSync(csv, "utf8");
}

describe("Kubernetes Indexed Job manifest", () => {
  it("parses as YAML without errors: a PVC and two Jobs", () => {
    for (const d of docs) expect(d.errors).toEqual([]);
    expect(byKind("PersistentVolumeClaim")).toHaveLength(1);
    expect(jobs).toHaveLength(2);
    for (const j of jobs) expect((j as unknown as Obj).apiVersion).toBe("batch/v1");
  });

  it("has the fields an Indexed Job needs", () => {
    if (!indexed) throw new Error("no Job with completionMode Indexed");
    const spec = indexed.spec;
    expect(Number.isInteger(spec.completions)).toBe(true);
    expect(spec.completions as number).toBeGreaterThan(1);
    expect(spec.parallelism as number).toBeLessThanOrEqual(spec.completions as number);
    // backoffLimitPerIndex needs restartPolicy Never.
    expect(indexed.spec.template.spec.restartPolicy).toBe("Never");
    const c = indexed.spec.template.spec.containers[0];
    expect(c.image).toBeTruthy();
    expect(Number(envOf(c).SHARDS)).toBe(spec.completions);
    const script = c.command.join(" ");
    expect(script).toContain("$((JOB_COMPLETION_INDEX + 1))");
    expect(script).toContain('--shard "$k/$SHARDS"');
  });

  it("mounts one ReadWriteMany claim in every shard and in the merge", () => {
    const pvc = byKind("PersistentVolumeClaim")[0] as { metadata: { name: string }; spec: Obj };
    expect(pvc.spec.accessModes).toContain("ReadWriteMany");
    for (const j of [indexed, merge]) {
      if (!j) throw new Error("missing Job");
      const pod = j.spec.template.spec;
      const c = pod.containers[0];
      const mount = c.volumeMounts[0];
      const volume = pod.volumes.find((v) => v.name === mount.name);
      expect(volume?.persistentVolumeClaim?.claimName).toBe(pvc.metadata.name);
      expect(envOf(c).DATA).toBe(mount.mountPath);
    }
    if (!merge || !indexed) throw new Error("missing Job");
    expect(envOf(merge.spec.template.spec.containers[0]).SHARDS).toBe(
      envOf(indexed.spec.template.spec.containers[0]).SHARDS,
    );
    expect(merge.spec.template.spec.containers[0].command.join(" ")).toContain("--merge");
  });

  it("its commands, run for every index and then the merge, give one run's CSV", () => {
    if (!indexed || !merge) throw new Error("missing Job");
    const data = mkdtempSync(join(tmpdir(), "laserscan-k8s-"));
    const path = `${shimDir()}:${process.env.PATH ?? ""}`;
    const shard = indexed.spec.template.spec.containers[0];
    // The manifest's own plan and shard count; a smaller sweep than its VARY, to keep the test short.
    const env: Record<string, string> = {
      ...envOf(shard),
      VARY: "pattern.coverage=0.05,0.1,0.15 sequence.order=serpentine,raster",
    };
    for (let i = 0; i < (indexed.spec.completions as number); i++) {
      const r = spawnSync(shard.command[0], shard.command.slice(1), {
        env: { ...process.env, ...env, DATA: data, PATH: path, JOB_COMPLETION_INDEX: String(i) },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
    const m = merge.spec.template.spec.containers[0];
    const r = spawnSync(m.command[0], m.command.slice(1), {
      env: { ...process.env, ...envOf(m), DATA: data, PATH: path },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const one = unsharded(env.PLAN, env.VARY, join(data, "one.csv"));
    expect(one.trimEnd().split("\n")).toHaveLength(7);
    expect(readFileSync(join(data, "sweep.csv"), "utf8")).toBe(one);
  });
});

describe("Slurm array example", () => {
  const sbatch = join(ROOT, "examples", "slurm", "sweep-array.sbatch");
  const text = readFileSync(sbatch, "utf8");

  it("submits an array and a merge that waits for it (afterok)", () => {
    expect(text).toMatch(/sbatch --parsable --array="0-\$\(\(SHARDS - 1\)\)"/);
    expect(text).toContain('--dependency="afterok:$array"');
    expect(text).toContain("k=$((SLURM_ARRAY_TASK_ID + 1))");
  });

  it("run as each array task and then as the merge job, gives one run's CSV", () => {
    const out = mkdtempSync(join(tmpdir(), "laserscan-slurm-"));
    const vary = "pattern.coverage=0.05,0.1 sequence.order=serpentine,raster";
    const base = {
      ...process.env,
      PLAN: "fractional-co2-demo",
      VARY: vary,
      SHARDS: "4",
      OUT: out,
      LASERSCAN: `${process.execPath} ${CLI}`,
    };
    for (let i = 0; i < 4; i++) {
      const r = spawnSync("bash", [sbatch], {
        env: { ...base, SLURM_ARRAY_TASK_ID: String(i) },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
    const r = spawnSync("bash", [sbatch], {
      env: { ...base, LASERSCAN_STEP: "merge" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, "sweep.csv"), "utf8")).toBe(
      unsharded("fractional-co2-demo", vary, join(out, "one.csv")),
    );
  });
});
