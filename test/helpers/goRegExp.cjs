/**
 * Go's RE2 knows inline flags (`(?i)`), JavaScript does not: a pattern such as Argo CD's
 * `^(?i)(abort|warn)?$` makes ajv throw. Strip every `(?i)` and make the whole expression
 * case-insensitive instead (for a flag that is not leading this accepts a little more than Go).
 * A module of its own, because the validators test/helpers/crds.ts keeps on disk require it.
 */
function goRegExp(pattern, flags) {
    const stripped = pattern.replace(/\(\?i\)/g, "");
    return new RegExp(stripped, stripped === pattern ? flags : `${flags}i`);
}

module.exports = { goRegExp };
