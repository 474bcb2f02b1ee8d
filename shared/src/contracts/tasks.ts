/**
 * "Do zrobienia" (to-do): the work that waits for the signed-in person in their acting membership.
 * Each domain on the server contributes kinds of items (`<domain>.<name>`, e.g.
 * `basket.cardToPublish`); the web client words each by the i18n key `tasks.kinds.<kind>`. An item
 * names only public data (a service card's name, a partnership's name) and links to the screen where
 * the work is done, which checks access and audits as usual.
 */
import { z } from 'zod';
import { Uuid } from './common.js';

/** Most items answered per kind; the count is always the whole number. */
export const TASK_ITEMS_PER_KIND = 20;

export const TaskItem = z.object({
  id: Uuid.describe('Id of the record the work is about (a service card, a change request)'),
  title: z.string().nullable().describe('Public name of the record (a service card’s name), if it has one'),
  partnershipId: Uuid.nullable().describe('Partnership the record belongs to, if any'),
  partnershipName: z.string().nullable().describe('That partnership’s name (public data)'),
  link: z.string().describe('In-app path of the screen where the work is done'),
});
export type TaskItem = z.infer<typeof TaskItem>;

export const TaskGroup = z.object({
  kind: z.string().describe('Kind of work, `<domain>.<name>`, e.g. `basket.cardToPublish`'),
  count: z.number().int().min(1).describe('How many items of this kind wait for the person'),
  items: z.array(TaskItem).describe(`The first items, oldest first, at most ${TASK_ITEMS_PER_KIND}`),
});
export type TaskGroup = z.infer<typeof TaskGroup>;

export const TaskList = z.object({
  groups: z.array(TaskGroup).describe('Kinds with at least one item, in the order the server declares them'),
  total: z.number().int().describe('All items of all kinds'),
});
export type TaskList = z.infer<typeof TaskList>;
