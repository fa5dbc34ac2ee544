/** A pickup zone: a named lat/lon box. The zone table in PostgreSQL holds exactly these columns. */
export interface Zone {
  readonly id: string;
  readonly name: string;
  readonly borough: string;
  readonly minLongitude: number;
  readonly minLatitude: number;
  readonly maxLongitude: number;
  readonly maxLatitude: number;
}

/** Where rides outside every zone are counted (zero coordinates, New Jersey, the sea…). */
export const UNKNOWN_ZONE: Zone = Object.freeze({
  id: 'unknown',
  name: 'Outside known zones',
  borough: 'Unknown',
  minLongitude: 0,
  minLatitude: 0,
  maxLongitude: 0,
  maxLatitude: 0,
});

const zone = (
  id: string,
  name: string,
  borough: string,
  [minLongitude, maxLongitude]: [number, number],
  [minLatitude, maxLatitude]: [number, number],
): Zone => ({ id, name, borough, minLongitude, minLatitude, maxLongitude, maxLatitude });

/**
 * 30 real NYC areas as approximate boxes (a hand-drawn simplification of the TLC taxi zones, which
 * are polygons): the seed of the zone table, and where the generator puts its rides.
 */
export const NYC_ZONES: readonly Zone[] = Object.freeze([
  zone('financial-district', 'Financial District', 'Manhattan', [-74.02, -74.0], [40.7, 40.712]),
  zone('tribeca-soho', 'TriBeCa / SoHo', 'Manhattan', [-74.015, -73.995], [40.712, 40.728]),
  zone('lower-east-side', 'Lower East Side', 'Manhattan', [-73.995, -73.975], [40.71, 40.725]),
  zone('greenwich-village', 'Greenwich Village', 'Manhattan', [-74.01, -73.99], [40.728, 40.74]),
  zone('east-village', 'East Village', 'Manhattan', [-73.99, -73.972], [40.725, 40.735]),
  zone('chelsea', 'Chelsea', 'Manhattan', [-74.01, -73.99], [40.74, 40.752]),
  zone('gramercy-murray-hill', 'Gramercy / Murray Hill', 'Manhattan', [-73.99, -73.972], [40.735, 40.748]),
  zone('midtown-west', 'Midtown West / Times Square', 'Manhattan', [-74.0, -73.98], [40.752, 40.768]),
  zone('midtown-east', 'Midtown East', 'Manhattan', [-73.98, -73.96], [40.748, 40.762]),
  zone('upper-west-side', 'Upper West Side', 'Manhattan', [-73.99, -73.96], [40.768, 40.805]),
  zone('upper-east-side', 'Upper East Side', 'Manhattan', [-73.96, -73.94], [40.762, 40.79]),
  zone('harlem', 'Harlem', 'Manhattan', [-73.96, -73.935], [40.805, 40.83]),
  zone('east-harlem', 'East Harlem', 'Manhattan', [-73.95, -73.93], [40.79, 40.805]),
  zone('washington-heights', 'Washington Heights', 'Manhattan', [-73.95, -73.92], [40.83, 40.87]),
  zone('jfk-airport', 'JFK Airport', 'Queens', [-73.83, -73.75], [40.62, 40.665]),
  zone('laguardia-airport', 'LaGuardia Airport', 'Queens', [-73.89, -73.855], [40.763, 40.785]),
  zone('long-island-city', 'Long Island City', 'Queens', [-73.96, -73.925], [40.735, 40.76]),
  zone('astoria', 'Astoria', 'Queens', [-73.935, -73.9], [40.76, 40.785]),
  zone('flushing', 'Flushing', 'Queens', [-73.845, -73.81], [40.75, 40.77]),
  zone('jamaica', 'Jamaica', 'Queens', [-73.815, -73.775], [40.69, 40.715]),
  zone('downtown-brooklyn', 'Downtown Brooklyn', 'Brooklyn', [-74.0, -73.975], [40.685, 40.703]),
  zone('williamsburg', 'Williamsburg', 'Brooklyn', [-73.97, -73.935], [40.7, 40.725]),
  zone('greenpoint', 'Greenpoint', 'Brooklyn', [-73.962, -73.935], [40.725, 40.735]),
  zone('park-slope', 'Park Slope', 'Brooklyn', [-73.995, -73.965], [40.66, 40.685]),
  zone('bedford-stuyvesant', 'Bedford-Stuyvesant', 'Brooklyn', [-73.96, -73.91], [40.675, 40.7]),
  zone('coney-island', 'Coney Island', 'Brooklyn', [-74.01, -73.96], [40.57, 40.59]),
  zone('south-bronx', 'South Bronx', 'Bronx', [-73.93, -73.9], [40.8, 40.83]),
  zone('fordham', 'Fordham', 'Bronx', [-73.905, -73.875], [40.855, 40.875]),
  zone('st-george', 'St. George', 'Staten Island', [-74.09, -74.07], [40.635, 40.65]),
  zone('newark-airport', 'Newark Airport', 'EWR', [-74.195, -74.155], [40.67, 40.71]),
]);

const area = (z: Zone) => (z.maxLongitude - z.minLongitude) * (z.maxLatitude - z.minLatitude);

/**
 * Point → zone over a set of boxes. Where boxes overlap the smallest wins (the more specific
 * place, e.g. an airport inside a borough-sized box), ties by id, so a lookup is deterministic.
 */
export class ZoneIndex {
  readonly #zones: readonly Zone[];
  readonly #byId: ReadonlyMap<string, Zone>;

  constructor(zones: readonly Zone[]) {
    this.#zones = [...zones].sort((a, b) => area(a) - area(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.#byId = new Map(zones.map((z) => [z.id, z]));
  }

  get zones(): readonly Zone[] {
    return this.#zones;
  }

  byId(id: string): Zone | undefined {
    return id === UNKNOWN_ZONE.id ? UNKNOWN_ZONE : this.#byId.get(id);
  }

  /** The zone containing the point (edges inclusive), or {@link UNKNOWN_ZONE}. */
  locate(longitude: number, latitude: number): Zone {
    for (const z of this.#zones) {
      if (
        longitude >= z.minLongitude &&
        longitude <= z.maxLongitude &&
        latitude >= z.minLatitude &&
        latitude <= z.maxLatitude
      )
        return z;
    }
    return UNKNOWN_ZONE;
  }
}
