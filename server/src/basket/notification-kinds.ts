/**
 * The basket's notification kinds: a stale card to confirm, a card submitted for publication, and
 * the steps of a change request.
 * Parameters are ids, the request's kind and the names of the service and the partnership (public
 * basket data); the e-mail is fixed text (docs/powiadomienia.md).
 */
import { changeRequestKinds } from '../../../shared/src/contracts/basket.js';
import { defineNotificationKind, notificationParam as param } from '../notifications/notification-kinds.js';

/** To a provider's card keepers: a published card has not been confirmed for staleMonths. */
export const staleCardNotification = defineNotificationKind({
  kind: 'basket.staleCard',
  params: {
    serviceId: param.recordId(),
    serviceName: param.publicName(),
    partnershipId: param.recordId(),
    partnershipName: param.publicName(),
    staleMonths: param.count(),
  },
  link: (params) => `/koszyk-uslug/${params.serviceId}`,
  email: {
    subject: 'Potwierdź aktualność karty usługi',
    lead: 'Jedna z kart usług Twojej instytucji w koszyku usług partnerstwa nie była dawno potwierdzana. Sprawdź, czy dane są aktualne, i potwierdź je albo popraw.',
  },
});

/**
 * To those who may publish it (the leader's director and network coordinators, the appointed
 * coordinators; recipients.ts): a partner submitted a card for publication.
 */
export const cardSubmittedNotification = defineNotificationKind({
  kind: 'basket.cardSubmitted',
  params: {
    serviceId: param.recordId(),
    serviceName: param.publicName(),
    partnershipId: param.recordId(),
    partnershipName: param.publicName(),
  },
  link: (params) => `/koszyk-uslug/${params.serviceId}`,
  email: {
    subject: 'Karta usługi czeka na publikację',
    lead: 'Instytucja partnerska przesłała kartę usługi do koszyka usług Twojego partnerstwa. Karta czeka na sprawdzenie i publikację.',
  },
});

const changeRequestParams = {
  requestId: param.recordId(),
  requestKind: param.choice(changeRequestKinds),
  partnershipId: param.recordId(),
  partnershipName: param.publicName(),
  serviceName: param.publicName(),
};

/** A change request opens on the requests tab of the partnership's basket. */
const changeRequestLink = (params: { partnershipId: string }) =>
  `/partnerstwa/${params.partnershipId}/koszyk?widok=requests`;

/** To the network coordinators who may review it (recipients.ts): a request waits for their review. */
export const changeRequestCreatedNotification = defineNotificationKind({
  kind: 'basket.changeRequestCreated',
  params: changeRequestParams,
  link: changeRequestLink,
  email: {
    subject: 'Nowy wniosek o zmianę w koszyku usług',
    lead: 'W Twoim partnerstwie złożono wniosek o zmianę w koszyku usług. Wniosek czeka na przegląd koordynatora sieci.',
  },
});

/** To the leader's directors who may decide it (recipients.ts): a reviewed request waits for their decision. */
export const changeRequestReviewedNotification = defineNotificationKind({
  kind: 'basket.changeRequestReviewed',
  params: changeRequestParams,
  link: changeRequestLink,
  email: {
    subject: 'Wniosek o zmianę w koszyku usług czeka na decyzję',
    lead: 'Koordynator sieci przejrzał wniosek o zmianę w koszyku usług Twojego partnerstwa. Wniosek czeka na decyzję lidera.',
  },
});

/** To the requester: the request was applied. */
export const changeRequestAppliedNotification = defineNotificationKind({
  kind: 'basket.changeRequestApplied',
  params: changeRequestParams,
  link: changeRequestLink,
  email: {
    subject: 'Twój wniosek o zmianę w koszyku usług został uwzględniony',
    lead: 'Lider partnerstwa uwzględnił Twój wniosek o zmianę w koszyku usług. Koszyk usług został zaktualizowany.',
  },
});

/** To the requester: the request was refused; the reason is read in the app only. */
export const changeRequestRefusedNotification = defineNotificationKind({
  kind: 'basket.changeRequestRefused',
  params: changeRequestParams,
  link: changeRequestLink,
  email: {
    subject: 'Twój wniosek o zmianę w koszyku usług nie został uwzględniony',
    lead: 'Lider partnerstwa nie uwzględnił Twojego wniosku o zmianę w koszyku usług. Uzasadnienie znajdziesz w aplikacji.',
  },
});
