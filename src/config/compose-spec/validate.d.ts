/** The ajv standalone validator generated from compose-spec.json (see README.md beside it). */
export interface ComposeSchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

interface ComposeSchemaValidate {
  (data: unknown): boolean;
  errors?: ComposeSchemaError[] | null;
}

declare const validate: ComposeSchemaValidate;
export default validate;
