/**
 * Shell completion scripts for bash, zsh and fish, generated from the one command table (src/commands/index.ts),
 * so a new command or flag completes without touching them: `wsdiag completion bash > /etc/bash_completion.d/wsdiag`,
 * `wsdiag completion zsh > "${fpath[1]}/_wsdiag"`, `wsdiag completion fish > ~/.config/fish/completions/wsdiag.fish`.
 */
import type { CommandSpec } from './command.js';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

const EXTRA = [
  { name: 'help', summary: 'help for a command' },
  { name: 'version', summary: 'print the version' },
  { name: 'completion', summary: 'print a shell completion script' },
];

/** Single-quoted for any of the three shells (a `'` closes, is escaped and reopens). */
const sq = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

function bash(commands: readonly CommandSpec[]): string {
  const names = [...commands.map((c) => c.name), ...EXTRA.map((c) => c.name)].join(' ');
  const cases = commands.map((c) => {
    const flags = [...Object.keys(c.options).map((o) => `--${o}`), '--help'].join(' ');
    const valued = Object.entries(c.options).filter(([, o]) => o.type === 'string');
    const values = valued.map(([name, o]) =>
      o.choices ? `        --${name}) COMPREPLY=($(compgen -W ${sq(o.choices.join(' '))} -- "$cur")); return ;;`
        : o.complete === 'file' ? `        --${name}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`
        : `        --${name}) return ;;`).join('\n');
    return `    ${c.name})
      case "$prev" in
${values}
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${sq(flags)} -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi ;;`;
  }).join('\n');
  return `# bash completion for wsdiag (wsdiag completion bash)
_wsdiag() {
  local cur prev cmd
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${sq(`${names} --help --version`)} -- "$cur")); return
  fi
  case "$cmd" in
${cases}
    help) COMPREPLY=($(compgen -W ${sq(commands.map((c) => c.name).join(' '))} -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W ${sq(COMPLETION_SHELLS.join(' '))} -- "$cur")) ;;
  esac
}
complete -o filenames -F _wsdiag wsdiag
`;
}

/** zsh's _arguments spec of one option: `--name[description]:value:(choices)`. */
function zshOption(name: string, o: CommandSpec['options'][string]): string {
  const description = o.description.replace(/[[\]:\\]/g, (ch) => `\\${ch}`);
  const repeat = o.multiple ? '*' : '';
  if (o.type === 'boolean') return sq(`${repeat}--${name}[${description}]`);
  const action = o.choices ? `(${o.choices.join(' ')})` : o.complete === 'file' ? '_files' : ' ';
  return sq(`${repeat}--${name}[${description}]:${name}:${action}`);
}

function zsh(commands: readonly CommandSpec[]): string {
  const list = [...commands, ...EXTRA].map((c) => sq(`${c.name}:${c.summary.replace(/:/g, '\\:')}`)).join(' \\\n      ');
  const cases = commands.map((c) => `    ${c.name})
      _arguments -s ${Object.entries(c.options).map(([n, o]) => zshOption(n, o)).join(' ')} '--help[this help]' '*:file:_files' ;;`).join('\n');
  return `#compdef wsdiag
# zsh completion for wsdiag (wsdiag completion zsh > "\${fpath[1]}/_wsdiag")
_wsdiag() {
  local -a commands
  commands=(
      ${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case "\${words[1]}" in
${cases}
    help) _describe 'command' commands ;;
    completion) _values 'shell' ${COMPLETION_SHELLS.join(' ')} ;;
  esac
}
compdef _wsdiag wsdiag
`;
}

function fish(commands: readonly CommandSpec[]): string {
  const out = ['# fish completion for wsdiag (wsdiag completion fish > ~/.config/fish/completions/wsdiag.fish)', 'complete -c wsdiag -f'];
  const all = [...commands, ...EXTRA];
  out.push(`complete -c wsdiag -n __fish_use_subcommand -l version -s V -d ${sq('print the version')}`);
  for (const c of all) out.push(`complete -c wsdiag -n __fish_use_subcommand -a ${c.name} -d ${sq(c.summary)}`);
  for (const c of commands) {
    const when = `-n ${sq(`__fish_seen_subcommand_from ${c.name}`)}`;
    if (c.fileArguments) out.push(`complete -c wsdiag ${when} -F`);
    for (const [name, o] of Object.entries(c.options)) {
      const value = o.type === 'boolean' ? '' : o.choices ? ` -x -a ${sq(o.choices.join(' '))}` : o.complete === 'file' ? ' -r -F' : ' -x';
      out.push(`complete -c wsdiag ${when} -l ${name}${value} -d ${sq(o.description)}`);
    }
  }
  out.push(`complete -c wsdiag -n ${sq('__fish_seen_subcommand_from help')} -x -a ${sq(commands.map((c) => c.name).join(' '))}`);
  out.push(`complete -c wsdiag -n ${sq('__fish_seen_subcommand_from completion')} -x -a ${sq(COMPLETION_SHELLS.join(' '))}`);
  return out.join('\n') + '\n';
}

const SCRIPTS: Record<(typeof COMPLETION_SHELLS)[number], (commands: readonly CommandSpec[]) => string> = { bash, zsh, fish };

/** The script for `shell`, or null for a shell we do not know. */
export function completionScript(shell: string, commands: readonly CommandSpec[]): string | null {
  return (COMPLETION_SHELLS as readonly string[]).includes(shell) ? SCRIPTS[shell as (typeof COMPLETION_SHELLS)[number]](commands) : null;
}
