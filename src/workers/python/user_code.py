"""The user's own function as a workload (workload `user`), standard library only.

The script is read once per process (the runner, and each pool process on its first task),
checked against the SHA-256 the lab hashed when the run started, compiled from those very
bytes and run as a fresh module. Each task calls the function on one JSON input; its return
value is hashed as canonical JSON (sorted keys, no spaces) into an unsigned 32-bit checksum,
so any schedule of the same inputs sums to the same run checksum.

Failures say what went wrong in the user's terms, with the traceback cut to the frames of
their own file: a syntax or import error, a missing function, an exception, a result that is
not JSON, sys.exit.
"""
import asyncio
import hashlib
import inspect
import json
import os
import sys
import threading
import traceback
import types

_loaded = {}
_lock = threading.Lock()


class UserCodeError(Exception):
    """A failure of the user's code; `lab_message` is the one line the lab shows."""

    def __init__(self, message):
        super().__init__(message)
        self.lab_message = message


def _frames(error, path):
    """`file.py line 3 in f → line 9 in g`: the user's frames only, outermost first."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
    if isinstance(error, SyntaxError) and error.filename == path and error.lineno:
        return '{} line {}'.format(os.path.basename(path), error.lineno)
    if not frames:
        return ''
    where = ' → '.join('line {} in {}'.format(f.lineno, f.name) for f in frames[-6:])
    return '{} {}'.format(os.path.basename(path), where)


def _describe(error, path):
    text = str(error) if not isinstance(error, SyntaxError) else (error.msg or 'invalid syntax')
    head = '{}: {}'.format(type(error).__name__, text) if text else type(error).__name__
    frames = _frames(error, path)
    return '{} ({})'.format(head, frames) if frames else head


def _exit_message(error, path):
    frames = _frames(error, path)
    return 'your code called sys.exit({!r}){}'.format(error.code, ' ({})'.format(frames) if frames else '')


def load(spec, fixtures=None):
    """The user's function for `spec` ({path, function, sha256}), loaded once per process."""
    key = (spec['path'], spec['function'], spec['sha256'])
    with _lock:
        found = _loaded.get(key)
        if found is not None:
            return found
        path = spec['path']
        if fixtures and fixtures.get('httpUrl'):
            os.environ['CONCURRENCY_LAB_HTTP_URL'] = fixtures['httpUrl']
        try:
            with open(path, 'rb') as f:
                source = f.read()
        except OSError as error:
            raise UserCodeError('cannot read {}: {}'.format(path, error.strerror or error))
        digest = hashlib.sha256(source).hexdigest()
        if digest != spec['sha256']:
            raise UserCodeError('{} changed since the run started (SHA-256 {}…, the run started with {}…)'.format(
                os.path.basename(path), digest[:12], spec['sha256'][:12]))
        name = 'lab_user_' + digest[:16]
        module = types.ModuleType(name)
        module.__file__ = path
        # Sibling modules import as they would under `python work.py`.
        folder = os.path.dirname(path)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        sys.modules[name] = module
        try:
            exec(compile(source, path, 'exec'), module.__dict__)
        except SystemExit as error:
            del sys.modules[name]
            raise UserCodeError('loading ' + _exit_message(error, path))
        except BaseException as error:  # syntax and import errors, and whatever the top level raises
            del sys.modules[name]
            raise UserCodeError('loading {} failed: {}'.format(os.path.basename(path), _describe(error, path)))
        function = getattr(module, spec['function'], None)
        if not callable(function):
            names = sorted(n for n, v in vars(module).items()
                           if inspect.isfunction(v) and v.__module__ == name and not n.startswith('_'))
            shown = ', '.join(names[:10]) + (' …' if len(names) > 10 else '') if names else 'none'
            raise UserCodeError('{} has no function {} (its functions: {})'.format(
                os.path.basename(path), spec['function'], shown))
        found = (function, inspect.iscoroutinefunction(function))
        _loaded[key] = found
        return found


def checksum(value, path):
    """The unsigned 32-bit hash of `value` as canonical JSON."""
    try:
        text = json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise UserCodeError('{} returned a value that is not JSON: {}'.format(os.path.basename(path), error))
    return int.from_bytes(hashlib.sha256(text.encode('utf-8')).digest()[:4], 'big')


def _call(spec, fixtures, value, awaiting):
    function, is_async = load(spec, fixtures)
    path = spec['path']
    if is_async and os.environ.get('CONCURRENCY_LAB_PYTHON_MODE') == 'gevent':
        # Every greenlet shares one thread, and asyncio allows one running loop per thread.
        raise UserCodeError('{} is async def, which py-gevent cannot run (its greenlets share one thread, where '
                            'asyncio allows one running loop); use py-asyncio, or a plain function'.format(
                                spec['function']))
    try:
        if not is_async:
            return function(value)
        # An async function outside an event loop strategy: one asyncio.run per task.
        return awaiting(function(value))
    except SystemExit as error:
        raise UserCodeError(_exit_message(error, path))
    except UserCodeError:
        raise
    except Exception as error:
        raise UserCodeError(_describe(error, path))


def run(fixtures, task):
    """Runs one task on the calling thread; returns its checksum."""
    spec = fixtures['user']
    return checksum(_call(spec, fixtures, task['value'], asyncio.run), spec['path'])


async def run_async(fixtures, task):
    """The event loop's version: an async function is awaited on the loop; a plain one runs inline."""
    spec = fixtures['user']
    function, is_async = load(spec, fixtures)
    if not is_async:
        return run(fixtures, task)
    path = spec['path']
    try:
        result = await function(task['value'])
    except SystemExit as error:
        raise UserCodeError(_exit_message(error, path))
    except Exception as error:
        raise UserCodeError(_describe(error, path))
    return checksum(result, path)
