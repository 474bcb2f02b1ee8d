/**
 * The accounts domain's notification kinds: a sign-in lockout, to the owner and to the
 * administrators. The administrators' notice carries the account's id only and links to the user's
 * page, whose opening is authorised and audited; no name or e-mail address travels in it.
 */
import { defineNotificationKind, notificationParam as param } from '../notifications/notification-kinds.js';

const lockoutParams = { failures: param.count(), lockoutMinutes: param.count() };

/** To the owner: sign-in from untrusted sources is paused after repeated failures. */
export const lockedOutNotification = defineNotificationKind({
  kind: 'accounts.lockedOut',
  params: lockoutParams,
  link: () => '/konto',
  email: {
    subject: 'Nieudane próby logowania na Twoje konto',
    lead: 'Po kilku nieudanych próbach logowania na Twoje konto logowanie na nie z nowych urządzeń jest na pewien czas wstrzymane. W przeglądarce, w której logujesz się zwykle, zalogujesz się jak dotąd. Jeśli to nie były Twoje próby, zgłoś to administratorowi.',
  },
});

/** To the administrators: the same, pointing at the account concerned. */
export const lockedOutForAdminNotification = defineNotificationKind({
  kind: 'accounts.lockedOutForAdmin',
  params: { ...lockoutParams, accountId: param.recordId() },
  link: (params) => `/uzytkownicy/${params.accountId}`,
  email: {
    subject: 'Wstrzymane logowanie na konto użytkownika',
    lead: 'Po kilku nieudanych próbach logowania na jedno z kont logowanie na nie z nowych urządzeń jest na pewien czas wstrzymane. Może to być próba odgadnięcia hasła. Konto wskazuje link poniżej.',
  },
});
