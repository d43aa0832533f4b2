import type { SupportedLocale } from '../../email';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import type { HostedUiStrings } from './strings';

export { fill, type HostedUiStrings, type ScriptStrings } from './strings';

/** The page in every language the emails speak (one file per language beside this one). */
export const HOSTED_UI_STRINGS: Readonly<Record<SupportedLocale, HostedUiStrings>> = { en, es, fr, de };
