import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** client-node sends patches as JSON Patch unless told otherwise; ours are merge patches. */
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
