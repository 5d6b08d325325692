/**
 * Walking a zod 3 schema by its structure (`_def`): through optional/default/refinement
 * wrappers, into objects, arrays and tuples, and into the union branch a value takes. Used to
 * name the allowed keys in an error and to list a plan's keys (the sweep). Nothing here
 * depends on the plan's own schema.
 */

/** A zod schema seen by its structure (zod 3's `_def`), for walking the plan's shape. */
export type SchemaNode = { _def: { typeName: string; [k: string]: unknown } };

/** The schema under its optional, default, nullable and refinement wrappers. */
export function unwrapSchema(schema: SchemaNode): SchemaNode {
  let s = schema;
  for (;;) {
    const def = s._def;
    if (def.typeName === "ZodOptional" || def.typeName === "ZodDefault" || def.typeName === "ZodNullable")
      s = def.innerType as SchemaNode;
    else if (def.typeName === "ZodEffects") s = def.schema as SchemaNode;
    else return s;
  }
}

/** The fields of an object schema (unwrapped), or undefined for any other kind. */
export function objectFields(schema: SchemaNode): Record<string, SchemaNode> | undefined {
  const s = unwrapSchema(schema);
  return s._def.typeName === "ZodObject" ? (s._def.shape as () => Record<string, SchemaNode>)() : undefined;
}

/**
 * The branch of a union schema that `value` takes: the object whose `shape` literal matches
 * `value.shape`, else the only object branch (the inline laser beside a preset name).
 */
export function unionBranch(schema: SchemaNode, value: unknown): SchemaNode | undefined {
  const s = unwrapSchema(schema);
  if (s._def.typeName !== "ZodUnion" && s._def.typeName !== "ZodDiscriminatedUnion") return undefined;
  const objects = (s._def.options as SchemaNode[]).filter((o) => objectFields(o) !== undefined);
  const shape = (value as { shape?: unknown } | undefined)?.shape;
  return (
    objects.find((o) => (objectFields(o)?.shape?._def as { value?: unknown } | undefined)?.value === shape) ??
    (objects.length === 1 ? objects[0] : undefined)
  );
}

/** The schema reached by `path` from `schema`, reading `input` to pick union branches. */
export function schemaAt(
  schema: SchemaNode,
  path: readonly PropertyKey[],
  input: unknown,
): SchemaNode | undefined {
  let s: SchemaNode | undefined = schema;
  let value = input;
  for (let i = 0; s; ) {
    s = unwrapSchema(s);
    const branch = unionBranch(s, value);
    if (branch) {
      s = branch;
      continue;
    }
    if (i === path.length) return s;
    const key = path[i++];
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    const def = s._def;
    if (def.typeName === "ZodObject") s = objectFields(s)?.[key as string];
    else if (def.typeName === "ZodArray") s = def.type as SchemaNode;
    else if (def.typeName === "ZodTuple") s = (def.items as SchemaNode[])[key as number];
    else return undefined;
  }
  return undefined;
}

/** The value at a zod path in the raw input (undefined where the path leaves it). */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = (v as Record<PropertyKey, unknown> | undefined)?.[k];
  return v;
}
