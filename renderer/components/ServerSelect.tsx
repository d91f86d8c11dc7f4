// A select of "all servers" or one of them, by id (the empty value is "all"): the metrics view
// and the snooze menu both offer one.
import type { ServerSettings } from '../../main/core/common/settings-schema';

export function ServerSelect(props: {
  id: string;
  value: string;
  allLabel: string;
  servers: readonly Pick<ServerSettings, 'id' | 'name'>[];
  onChange: (id: string) => void;
}) {
  return (
    <select
      id={props.id}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    >
      <option value="">{props.allLabel}</option>
      {props.servers.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </select>
  );
}
