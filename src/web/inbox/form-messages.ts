/**
 * form-js writes its validation messages in English only. This module (given to the Form as an
 * additional module) rewrites them in French when the interface is in French.
 */
import { lang } from "../shared/i18n.js";

const FRENCH: Array<[RegExp, string]> = [
  [/^Field is required\.$/, "Ce champ est obligatoire."],
  [/^Value is not a number\.$/, "La valeur n'est pas un nombre."],
  [/^Value is expected to be an integer\.$/, "Un nombre entier est attendu."],
  [/^Value is expected to have at most (\d+) decimal digits?\.$/, "Au plus $1 chiffre(s) après la virgule."],
  [/^Please select a valid value, the two nearest valid values are (.+) and (.+)\.$/, "Choisissez une valeur valide ; les plus proches sont $1 et $2."],
  [/^Field must match pattern (.+)\.$/, "La valeur doit respecter le format $1."],
  [/^Field must have minimum value of (.+)\.$/, "La valeur doit être au moins $1."],
  [/^Field must have maximum value of (.+)\.$/, "La valeur doit être au plus $1."],
  [/^Field must have minimum length of (.+)\.$/, "Au moins $1 caractère(s)."],
  [/^Field must have maximum length of (.+)\.$/, "Au plus $1 caractère(s)."],
  [/^Field must be a valid {1,2}international phone number\..*$/, "Numéro de téléphone international attendu (ex. +33612345678)."],
  [/^Field must be a valid email\.$/, "Adresse e-mail invalide."],
];

export function translateMessage(message: string): string {
  if (lang() !== "fr") return message;
  for (const [pattern, french] of FRENCH) if (pattern.test(message)) return message.replace(pattern, french);
  return message;
}

type Validate = (...args: unknown[]) => string[];

/** Wraps form-js's `validator` service so every message it returns goes through `translateMessage`. */
class TranslatedValidation {
  static $inject = ["validator"];
  constructor(validator: Record<string, unknown>) {
    for (const name of ["validateField", "validateFieldInstance"]) {
      const original = validator[name];
      if (typeof original !== "function") continue;
      validator[name] = (...args: unknown[]) => (original as Validate).apply(validator, args).map(translateMessage);
    }
  }
}

export const translatedValidationModule = {
  __init__: ["translatedValidation"],
  translatedValidation: ["type", TranslatedValidation],
};
