// Every component of this app uses runes: say so, so a legacy-mode slip is a compile error.
export default {
  compilerOptions: { runes: true },
};
