/**
 * Parameter names of a function, read once from its source (`fn.toString()`): plain identifiers, rest and
 * defaulted parameters; a destructured parameter has no name and yields `undefined` at its position.
 */
export function parameterNames(fn: Function): (string | undefined)[] {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return [];
  }
  const open = source.indexOf('(');
  if (open < 0) return [];
  const names: (string | undefined)[] = [];
  let depth = 0;
  let current = '';
  for (let index = open + 1; index < source.length; index++) {
    const char = source[index];
    if (depth === 0 && (char === ',' || char === ')')) {
      if (current.trim() !== '' || char === ',') names.push(nameOf(current));
      if (char === ')') break;
      current = '';
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') depth--;
    current += char;
  }
  return names;
}

function nameOf(parameter: string): string | undefined {
  const match = /^\s*(?:\.\.\.)?\s*([A-Za-z_$][\w$]*)\s*(?:=|$)/.exec(parameter);
  return match?.[1];
}
