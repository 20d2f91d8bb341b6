// One state per live page. The page's store is built from the server's `session_state` snapshot
// and changed by one reducer per event; every region of the page is drawn from it by a view.
// Each capability's module (console-checkins.js, room-wins.js, ...) adds its slice of the state,
// the reducers of the events that change that slice, and its views.

const SNAPSHOT = "session_state";

/**
 * The store of a page whose live channel is `socket`. Reducers are plain functions
 * `(slice, payload, state) => slice`; one that returns its slice unchanged changes nothing.
 * A view `(state, previous, action)` runs after the first snapshot, after every later one, and
 * after any change to a slice it names; `previous` is the state before (null at first), `action`
 * is `{type, payload}`, so a view can patch what changed and say what happened.
 */
export function createStore(socket) {
  const loaders = new Map(); // slice name -> load(snapshot): that slice of a new state
  const reducers = new Map(); // event or page action -> {name, reduce}
  const views = [];
  let state = null; // until the first snapshot, nothing is drawn and events change nothing

  function dispatch(type, payload = {}) {
    const previous = state;
    if (type === SNAPSHOT) {
      state = Object.fromEntries([...loaders].map(([name, load]) => [name, load(payload)]));
    } else {
      const reducer = reducers.get(type);
      if (!reducer || state === null) return;
      const slice = reducer.reduce(state[reducer.name], payload, state);
      if (slice === state[reducer.name]) return;
      state = { ...state, [reducer.name]: slice };
    }
    const action = { type, payload };
    for (const { names, draw } of views) {
      if (type === SNAPSHOT || names.some((name) => state[name] !== previous[name])) draw(state, previous, action);
    }
  }

  function addReducer(name, type, reduce) {
    if (type === SNAPSHOT || reducers.has(type)) throw new Error(`"${type}" already has its reducer`);
    reducers.set(type, { name, reduce });
  }

  socket.on(SNAPSHOT, (snapshot) => dispatch(SNAPSHOT, snapshot));

  return {
    get state() {
      return state;
    },
    dispatch,
    /**
     * A slice of the state: `load(snapshot)` makes it from a snapshot; `events` are the reducers
     * of the server's events that change it, `actions` those of this page's own doings (an
     * acknowledgement, a reaction given), which the page sends with `dispatch`.
     */
    slice(name, load, { events = {}, actions = {} } = {}) {
      loaders.set(name, load);
      for (const [type, reduce] of Object.entries(events)) {
        addReducer(name, type, reduce);
        socket.on(type, (payload) => dispatch(type, payload));
      }
      for (const [type, reduce] of Object.entries(actions)) addReducer(name, type, reduce);
    },
    /** Draw a region of the page from the slices `names`. */
    view(names, draw) {
      views.push({ names, draw });
    },
  };
}
