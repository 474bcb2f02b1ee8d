import { Title } from '@mantine/core';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

let navigationCount = 0;

/** Called on every route change after the first, so that page headings take focus after navigation. */
export function noteNavigation(): void {
  navigationCount += 1;
}

/** Sets document.title ("<page> – Kooperacja"). */
export function useDocumentTitle(title: string): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = title ? `${title} – ${t('app.name')}` : t('app.name');
  }, [title, t]);
}

type PageTitleProps = { title: string; children?: ReactNode };

/**
 * The page's one h1; also sets the document title and, after a navigation, takes focus so that
 * screen-reader users hear where they are.
 */
export function PageTitle({ title, children }: PageTitleProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(title);
  useEffect(() => {
    if (navigationCount > 0) ref.current?.focus({ preventScroll: false });
  }, []);
  return (
    <Title order={1} ref={ref} tabIndex={-1} className="page-title" mb="md">
      {children ?? title}
    </Title>
  );
}
