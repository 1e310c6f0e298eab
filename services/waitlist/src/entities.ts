import { WaitlistEntryEntity } from './entries/waitlist-entry.entity';
import { CreateWaitlistSchema1796100000000 } from './migrations/1796100000000-CreateWaitlistSchema';
import { IsolateWaitlistTenants1796400000000 } from './migrations/1796400000000-IsolateWaitlistTenants';
import { NameSlotLocations1796500000000 } from './migrations/1796500000000-NameSlotLocations';
import { BookFillsInEhr1798300000000 } from './migrations/1798300000000-BookFillsInEhr';
import { PauseWavesAtNight1798300000002 } from './migrations/1798300000002-PauseWavesAtNight';
import { RecordKeptVisits1800100000000 } from './migrations/1800100000000-RecordKeptVisits';
import { RecordKeptVisitsInEhr1800600000001 } from './migrations/1800600000001-RecordKeptVisitsInEhr';
import { FreedSlotEntity } from './slots/freed-slot.entity';
import { WaitlistOfferEntity } from './slots/waitlist-offer.entity';

/** The service's own tables; the outbox and inbox come with ServiceInfrastructureModule. */
export const waitlistEntities = [WaitlistEntryEntity, FreedSlotEntity, WaitlistOfferEntity];

export const waitlistMigrations = [
  CreateWaitlistSchema1796100000000,
  IsolateWaitlistTenants1796400000000,
  NameSlotLocations1796500000000,
  BookFillsInEhr1798300000000,
  PauseWavesAtNight1798300000002,
  RecordKeptVisits1800100000000,
  RecordKeptVisitsInEhr1800600000001,
];
