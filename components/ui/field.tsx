import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";

const inputClasses =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 aria-invalid:border-red-500 dark:border-slate-700 dark:bg-slate-950";

export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700 dark:text-red-400">
      {errors.join(" ")}
    </p>
  );
}

export function TextField({
  label,
  name,
  errors,
  hint,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  errors?: string[];
  hint?: ReactNode;
}) {
  const id = props.id ?? `field-${name}`;
  const errorId = `${id}-error`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? errorId : undefined}
        className={inputClasses}
        {...props}
      />
      {hint && !errors?.length && (
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>
      )}
      <FieldErrors id={errorId} errors={errors} />
    </div>
  );
}

export function SelectField({
  label,
  name,
  errors,
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string; errors?: string[] }) {
  const id = props.id ?? `field-${name}`;
  const errorId = `${id}-error`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <select
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? errorId : undefined}
        className={inputClasses}
        {...props}
      >
        {children}
      </select>
      <FieldErrors id={errorId} errors={errors} />
    </div>
  );
}

export function FormMessage({ ok, message }: { ok: boolean; message?: string }) {
  if (!message) return null;
  return (
    <p
      role={ok ? "status" : "alert"}
      className={`rounded-md px-3 py-2 text-sm ${
        ok
          ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
          : "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200"
      }`}
    >
      {message}
    </p>
  );
}

/** A checkbox with its label and an optional hint under it. */
export function CheckboxField({
  name,
  label,
  hint,
  defaultChecked,
  disabled,
  className = "",
}: {
  name: string;
  label: string;
  hint?: string;
  defaultChecked?: boolean;
  disabled?: boolean;
  className?: string;
}) {
  const id = `field-${name.replace(/\./g, "-")}`;
  return (
    <div className={`flex items-start gap-2 ${className}`}>
      <input
        id={id}
        name={name}
        type="checkbox"
        defaultChecked={defaultChecked}
        disabled={disabled}
        className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500 disabled:opacity-50 dark:border-slate-700"
      />
      <label htmlFor={id} className={`text-sm ${disabled ? "text-slate-500" : ""}`}>
        <span className="font-medium">{label}</span>
        {hint && <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>}
      </label>
    </div>
  );
}

/** A titled group of fields in an editor, laid out two to a row; a rule above all but the first. */
export function FormSection({
  title,
  first,
  children,
}: {
  title: string;
  first?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={first ? "" : "border-t border-slate-200 pt-5 dark:border-slate-800"}>
      <fieldset>
        <legend className="text-sm font-semibold text-slate-900 dark:text-slate-100">
          {title}
        </legend>
        <div className="mt-3 grid gap-4 sm:grid-cols-2">{children}</div>
      </fieldset>
    </div>
  );
}

/** A refused save: the message, then the errors no field on the form can show. */
export function FormFailure({
  message,
  errors,
}: {
  message?: string;
  errors: readonly [string, string[]][];
}) {
  return (
    <div>
      <FormMessage ok={false} message={message} />
      {errors.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-sm text-red-700 dark:text-red-400">
          {errors.map(([key, messages]) => (
            <li key={key}>{messages.join(" ")}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
