import { Badge, CloseButton, Group, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TerritoryListQuery } from '../../../../shared/src/contracts/territories';

type TerritoryLevel = NonNullable<TerritoryListQuery['level']>;
import { RemoteSelect, type Option } from '../common/remote-select';
import { useTerritories } from '../territories/territories-api';
import { useTerritoryLabel } from '../territories/territory-select';

export type ReachKind = 'gminas' | 'powiat' | 'voivodeship';
export type ReachValue = { kind: ReachKind; codes: string[]; labels: Record<string, string> };

function LevelSelect(props: {
  level: TerritoryLevel;
  label: string;
  value: string | null;
  onChange: (option: Option | null) => void;
  initialOption?: Option | null;
  error?: string;
  required?: boolean;
  name: string;
}) {
  const territoryLabel = useTerritoryLabel();
  const useOptions = (search: string, isEnabled: boolean) => {
    const query = useTerritories({ q: search, level: props.level, pageSize: 20 }, isEnabled);
    return {
      options: (query.data?.items ?? []).map((territory) => ({
        value: territory.code,
        label: territoryLabel(territory),
      })),
      isFetching: query.isFetching,
    };
  };
  return (
    <RemoteSelect
      label={props.label}
      value={props.value}
      initialOption={props.initialOption}
      error={props.error}
      required={props.required}
      name={props.name}
      useOptions={useOptions}
      onChange={(code, label) =>
        props.onChange(code ? { value: code, label: (label ?? code).split(' – ')[0] ?? code } : null)
      }
    />
  );
}

type ReachPickerProps = { value: ReachValue; onChange: (value: ReachValue) => void; error?: string };

/** Territorial reach: several gminas (added one by one), or one powiat, or one voivodeship. */
export function ReachPicker({ value, onChange, error }: ReachPickerProps) {
  const { t } = useTranslation();
  const level: TerritoryLevel = value.kind === 'gminas' ? 'gmina' : value.kind;
  const nameOf = (code: string) => value.labels[code] ?? code;
  return (
    <Stack gap="xs">
      <Radio.Group
        label={t('serviceForm.reachKind')}
        required
        value={value.kind}
        onChange={(kind) => onChange({ kind: kind as ReachKind, codes: [], labels: value.labels })}
      >
        <Group mt="xs">
          {(['gminas', 'powiat', 'voivodeship'] as const).map((kind) => (
            <Radio key={kind} value={kind} label={t(`reachKinds.${kind}`)} />
          ))}
        </Group>
      </Radio.Group>
      {value.kind === 'gminas' ? (
        <>
          <GminaAdder
            onAdd={(option) => {
              if (value.codes.includes(option.value)) return;
              onChange({
                ...value,
                codes: [...value.codes, option.value],
                labels: { ...value.labels, [option.value]: option.label },
              });
            }}
            error={error}
          />
          {value.codes.length > 0 ? (
            <Group gap="xs" aria-label={t('serviceForm.chosenGminas')} role="list">
              {value.codes.map((code) => (
                <Badge
                  key={code}
                  role="listitem"
                  variant="light"
                  size="lg"
                  tt="none"
                  rightSection={
                    <CloseButton
                      size="xs"
                      aria-label={t('serviceForm.removeGmina', { name: nameOf(code) })}
                      onClick={() => onChange({ ...value, codes: value.codes.filter((c) => c !== code) })}
                    />
                  }
                >
                  {nameOf(code)}
                </Badge>
              ))}
            </Group>
          ) : (
            <Text size="sm" c="dark.6">
              {t('serviceForm.noGminas')}
            </Text>
          )}
        </>
      ) : (
        <LevelSelect
          level={level}
          name="reachCodes"
          required
          label={t(value.kind === 'powiat' ? 'serviceForm.reachPowiat' : 'serviceForm.reachVoivodeship')}
          value={value.codes[0] ?? null}
          initialOption={value.codes[0] ? { value: value.codes[0], label: nameOf(value.codes[0]) } : null}
          error={error}
          onChange={(option) =>
            onChange({
              ...value,
              codes: option ? [option.value] : [],
              labels: option ? { ...value.labels, [option.value]: option.label } : value.labels,
            })
          }
        />
      )}
    </Stack>
  );
}

/** A gmina search whose choice is added to the list and the field cleared for the next one. */
function GminaAdder({ onAdd, error }: { onAdd: (option: Option) => void; error?: string }) {
  const { t } = useTranslation();
  const [round, setRound] = useState(0);
  const territoryLabel = useTerritoryLabel();
  const useOptions = (search: string, isEnabled: boolean) => {
    const query = useTerritories({ q: search, level: 'gmina', pageSize: 20 }, isEnabled);
    return {
      options: (query.data?.items ?? []).map((territory) => ({
        value: territory.code,
        label: territoryLabel(territory),
      })),
      isFetching: query.isFetching,
    };
  };
  return (
    <RemoteSelect
      key={round}
      label={t('serviceForm.addGmina')}
      value={null}
      error={error}
      name="reachCodes"
      useOptions={useOptions}
      onChange={(code, label) => {
        if (!code) return;
        onAdd({ value: code, label: (label ?? code).split(' – ')[0] ?? code });
        setRound((value) => value + 1);
      }}
    />
  );
}
