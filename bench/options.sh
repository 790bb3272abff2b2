# Command-line options for the bench scripts, sourced by them. Every knob of a script is an environment variable
# (MODEL_DIR, DURATION, ...) and the same option in lower case with dashes (--model-dir DIR, --duration=600);
# an option wins over the environment. --help prints the script's header comment and exits without running.
#
#   . "$(dirname "$0")/options.sh"
#   parse_options "MODEL_DIR CORPUS DURATION" "$@"

usage() { # the script's header: the comment lines after the shebang
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

parse_options() {
  local allowed=" $1 " arg name var value
  shift
  while [ $# -gt 0 ]; do
    arg=$1; shift
    case $arg in
      -h|--help) usage; exit 0 ;;
      --*=*) name=${arg%%=*}; value=${arg#*=} ;;
      --*) name=$arg
           [ $# -gt 0 ] || { echo "$(basename "$0"): $name needs a value (--help for usage)" >&2; exit 2; }
           value=$1; shift ;;
      *) echo "$(basename "$0"): unexpected argument '$arg' (--help for usage)" >&2; exit 2 ;;
    esac
    var=$(printf '%s' "${name#--}" | tr 'a-z-' 'A-Z_')
    case $allowed in
      *" $var "*) printf -v "$var" '%s' "$value"; export "${var?}" ;;
      *) echo "$(basename "$0"): unknown option $name (--help for usage)" >&2; exit 2 ;;
    esac
  done
}
